// Every cookie the control plane sets. None has a Domain attribute: each is host-only, so the
// session cookie never reaches a tenant host and a tenant cookie never reaches a sibling.
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import { PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE, TENANT_COOKIE } from '../auth/cookie-names.js';
import type { Config } from '../config.js';

type CookieConfig = Pick<Config, 'secureCookies'>;

const PRE_SESSION_CSRF_TTL_S = 24 * 3600;

function hostOnly(config: CookieConfig): CookieSerializeOptions {
  return { path: '/', httpOnly: true, secure: config.secureCookies, sameSite: 'lax' };
}

export function setSessionCookie(reply: FastifyReply, config: CookieConfig, token: string, expiresAt: number): void {
  reply.setCookie(SESSION_COOKIE, token, { ...hostOnly(config), expires: new Date(expiresAt) });
}

export function clearSessionCookie(reply: FastifyReply, config: CookieConfig): void {
  reply.clearCookie(SESSION_COOKIE, hostOnly(config));
}

export function setTenantCookie(reply: FastifyReply, config: CookieConfig, token: string, expiresAt: number): void {
  reply.setCookie(TENANT_COOKIE, token, { ...hostOnly(config), expires: new Date(expiresAt) });
}

export function setPreSessionCsrfCookie(reply: FastifyReply, config: CookieConfig, token: string): void {
  reply.setCookie(PRE_SESSION_CSRF_COOKIE, token, { ...hostOnly(config), maxAge: PRE_SESSION_CSRF_TTL_S });
}

/**
 * Expires a copy of `name` that a sibling subdomain may have set on the parent domain (cookie
 * tossing). Our own cookies are host-only, so this never touches them.
 */
export function clearTossedCookie(reply: FastifyReply, config: Pick<Config, 'domain' | 'secureCookies'>, name: string): void {
  reply.clearCookie(name, { ...hostOnly(config), domain: config.domain });
}
