// Escaping by construction: html`...` escapes every interpolated value unless it is already
// Html (built by html`` itself or marked with raw()). Arrays are joined. null/undefined/false
// render as nothing, so conditionals read naturally.
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | bigint | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Marks trusted markup (inline CSS/JS written in this codebase, SVG built by this codebase). */
export function raw(s: string): Html {
  return new Html(s);
}

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
