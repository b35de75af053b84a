// Every cookie the control plane sets. None has a Domain attribute: each is host-only, so the
// session cookie never reaches a tenant host and a tenant cookie never reaches a sibling; with
// Secure cookies each also has the __Host- name (auth/cookie-names.ts), which no sibling can set.
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, plainCookieName, type CookieRole } from '../auth/cookie-names.js';
import type { Config } from '../config.js';

type CookieConfig = Pick<Config, 'secureCookies'>;

const PRE_SESSION_CSRF_TTL_S = 24 * 3600;

function hostOnly(config: CookieConfig): CookieSerializeOptions {
  return { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' };
}

export function setSessionCookie(reply: FastifyReply, config: CookieConfig, token: string, expiresAt: number): void {
  reply.setCookie(cookieName('session', config), token, { ...hostOnly(config), expires: new Date(expiresAt) });
}

export function clearSessionCookie(reply: FastifyReply, config: CookieConfig): void {
  reply.clearCookie(cookieName('session', config), hostOnly(config));
}

export function setTenantCookie(reply: FastifyReply, config: CookieConfig, token: string, expiresAt: number): void {
  reply.setCookie(cookieName('tenant', config), token, { ...hostOnly(config), expires: new Date(expiresAt) });
}

export function setPreSessionCsrfCookie(reply: FastifyReply, config: CookieConfig, token: string): void {
  reply.setCookie(cookieName('preSessionCsrf', config), token, { ...hostOnly(config), maxAge: PRE_SESSION_CSRF_TTL_S });
}

/** The pre-session CSRF token the browser sent, if any. */
export function readPreSessionCsrfCookie(req: FastifyRequest, config: CookieConfig): string | undefined {
  return req.cookies[cookieName('preSessionCsrf', config)];
}

/**
 * Expires an unprefixed copy of `role`'s cookie that a sibling subdomain may have set on the
 * parent domain (cookie tossing). Our own cookies are host-only, so this never touches them;
 * with __Host- names such a copy is never read anyway, and this only tidies the browser.
 */
export function clearTossedCookie(reply: FastifyReply, config: Pick<Config, 'domain' | 'secureCookies'>, role: CookieRole): void {
  reply.clearCookie(plainCookieName(role), { ...hostOnly(config), domain: config.domain });
}
