// Names of the cookies the control plane sets, shared by its handlers and the ForwardAuth
// decision. With Secure cookies (BERTH_SECURE_COOKIES, the default) every name carries the
// __Host- prefix: a browser then keeps such a cookie only if this very host set it, Secure,
// with Path=/ and no Domain. A sibling subdomain (a compromised tenant) can therefore neither
// set one nor shadow it with a longer path: there is exactly one per host, and only that name
// is read. The plain names remain for a setup without HTTPS, which has no such protection.
import type { Config } from '../config.js';

const BASE_NAMES = {
  /** Control-plane session; host-only on the control-plane host, never sent to tenants. */
  session: 'berth_session',
  /** Tenant session; host-only on one tenant host. */
  tenant: 'berth_t',
  /** Double-submit CSRF token for forms shown before there is a session (log in, sign up). */
  preSessionCsrf: 'berth_csrf',
} as const;

export type CookieRole = keyof typeof BASE_NAMES;
type CookieConfig = Pick<Config, 'secureCookies'>;

export const HOST_PREFIX = '__Host-';

/**
 * Without the prefix (no HTTPS), a sibling may have tossed copies of the name that the browser
 * sends first: that many are tried, and the header is bounded by Node's header size anyway.
 */
const MAX_PLAIN_CANDIDATES = 16;

export function cookieName(role: CookieRole, config: CookieConfig): string {
  return config.secureCookies ? `${HOST_PREFIX}${BASE_NAMES[role]}` : BASE_NAMES[role];
}

/** The unprefixed name: what a sibling could toss, and what clearing a tossed copy targets. */
export function plainCookieName(role: CookieRole): string {
  return BASE_NAMES[role];
}

/**
 * The values of `role`'s cookie worth looking up. With the __Host- name, the first one only
 * (a browser holds one per host; unprefixed copies, tossed or stale, are never read). Without
 * it, every copy up to a bound, in header order, so a tossed copy sent first cannot hide the
 * real one.
 */
export function cookieCandidates(header: string | undefined, role: CookieRole, config: CookieConfig): string[] {
  return readCookieValues(header, cookieName(role, config), config.secureCookies ? 1 : MAX_PLAIN_CANDIDATES);
}

/** Every value of cookie `name` in a Cookie header, in header order, at most `max`. */
export function readCookieValues(header: string | undefined, name: string, max: number): string[] {
  const out: string[] = [];
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    out.push(part.slice(eq + 1).trim());
    if (out.length >= max) break;
  }
  return out;
}
