// CSRF for cookie-authenticated unsafe requests. Sibling tenants (<other>.<domain>) are the
// same *site*, so SameSite=Lax cookies still ride along on their cross-origin POSTs; only the
// origin says where a request came from. Bearer requests carry no ambient credential: exempt.
import type { IncomingHttpHeaders } from 'node:http';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function needsCsrfCheck(method: string, via: 'session' | 'bearer'): boolean {
  return via === 'session' && !SAFE_METHODS.has(method.toUpperCase());
}

/** True when the browser says the request came from this very origin (host and port). */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const host = headers.host?.toLowerCase();
  const origin = headers.origin;
  if (origin && origin !== 'null') {
    try {
      return host !== undefined && new URL(origin).host.toLowerCase() === host;
    } catch {
      return false;
    }
  }
  return headers['sec-fetch-site'] === 'same-origin';
}
