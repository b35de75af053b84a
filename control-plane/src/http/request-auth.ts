// Who is asking, and did they mean to: the session behind a request and the CSRF checks for
// unsafe methods (a per-session synchronizer token plus an Origin check). Sibling tenant
// subdomains are same-site, so SameSite=Lax alone would not stop them; the Origin check does.
import type { FastifyRequest } from 'fastify';
import { cookieCandidates } from '../auth/cookie-names.js';
import { findSession, type Session } from '../auth/sessions.js';
import { tokensEqual } from '../auth/tokens.js';
import { BerthError } from '../errors.js';
import type { AppDeps } from './app-deps.js';
import { readPreSessionCsrfCookie } from './cookies.js';

const sessions = new WeakMap<FastifyRequest, Session | null>();

/** The live session of this request, or null. Only the __Host- cookie is read when cookies are Secure (see cookie tossing in ARCHITECTURE.md). */
export function readSession(deps: Pick<AppDeps, 'db' | 'config'>, req: FastifyRequest): Session | null {
  const cached = sessions.get(req);
  if (cached !== undefined) return cached;
  let found: Session | null = null;
  for (const token of cookieCandidates(req.headers.cookie, 'session', deps.config)) {
    found = findSession(deps.db, token, Date.now());
    if (found) break;
  }
  sessions.set(req, found);
  return found;
}

export function requireSession(deps: Pick<AppDeps, 'db' | 'config'>, req: FastifyRequest): Session {
  const session = readSession(deps, req);
  if (!session) throw new BerthError('UNAUTHENTICATED', 'Log in first.');
  return session;
}

/**
 * False if the browser says the request comes from another origin. Requests without Origin
 * and Referer (command-line clients) pass this check; they still need the token.
 */
export function isSameOrigin(req: FastifyRequest, publicUrl: string): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return origin === publicUrl;
  const referer = req.headers.referer;
  if (referer !== undefined) return referer === publicUrl || referer.startsWith(`${publicUrl}/`);
  return true;
}

/** Throws CSRF_FAILED unless the origin is ours and `provided` equals `expected`. */
export function verifyCsrf(req: FastifyRequest, publicUrl: string, expected: string | undefined, provided: string | undefined): void {
  if (!isSameOrigin(req, publicUrl)) throw new BerthError('CSRF_FAILED', 'This request came from another site.');
  if (!tokensEqual(expected, provided)) throw new BerthError('CSRF_FAILED', 'The form or CSRF token expired or is missing; reload and try again.');
}

/** Session-bound check for API calls: token in the x-csrf-token header. */
export function verifyApiCsrf(deps: Pick<AppDeps, 'config'>, req: FastifyRequest, session: Session): void {
  verifyCsrf(req, deps.config.publicUrl, session.csrfToken, headerValue(req, 'x-csrf-token'));
}

/** Double-submit check before there is a session: the token must equal the berth_csrf cookie. */
export function verifyPreSessionCsrf(deps: Pick<AppDeps, 'config'>, req: FastifyRequest, provided: string | undefined): void {
  verifyCsrf(req, deps.config.publicUrl, readPreSessionCsrfCookie(req, deps.config), provided);
}

export function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The client's address: Traefik appends it to X-Forwarded-For, which Fastify trusts from 127.0.0.1 only. */
export function clientAddress(req: FastifyRequest): string {
  return req.ip;
}
