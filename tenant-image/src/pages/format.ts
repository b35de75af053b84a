// Formatting helpers of the tenant pages: URLs of tables and query strings, counts, sizes and
// times as people read them. (Escaping itself is @berth/common/html.)
/** Query string from pairs, skipping undefined/null (not ''); repeated keys allowed. */
export function queryString(pairs: ReadonlyArray<readonly [string, string | number | undefined | null]>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of pairs) if (v !== undefined && v !== null) sp.append(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Path segment for a table name (any text is a valid table name). */
export function tablePath(table: string, suffix = ''): string {
  return `/tables/${encodeURIComponent(table)}${suffix}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
