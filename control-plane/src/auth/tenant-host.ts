// Reading a tenant out of a Host header and checking return paths: pure, used on the hot path.

/** The slug of `<slug>.<domain>[:port]`, or null if the host is not exactly one label under domain. */
export function slugFromHost(host: string | undefined, domain: string): string | null {
  if (!host) return null;
  const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const suffix = `.${domain}`;
  if (!name.endsWith(suffix)) return null;
  const label = name.slice(0, -suffix.length);
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label) ? label : null;
}

/**
 * True for a path on the same host: one leading '/', not '//' or '/\' (which browsers treat
 * as another host), no control characters, bounded length.
 */
export function isLocalPath(path: string | undefined): path is string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 2048) return false;
  if (path[0] !== '/' || path[1] === '/' || path[1] === '\\') return false;
  return !/[\u0000-\u001f\u007f]/.test(path);
}
