// Where load goes and how it authenticates: a tenant through Traefik at its real hostname
// (with the host-only berth_t cookie from single sign-on), or one container directly on the
// tenant network (with the identity headers ForwardAuth would have added). Unsafe methods
// carry the tenant's own Origin, as a browser would (the tenant checks it for CSRF).
import type http from 'node:http';
import { openTenant, type Session } from '../session.js';
import type { Stack } from '../stack.js';
import { call, type CallOptions, type CallResult } from './http-call.js';

export interface TenantTarget {
  /** The tenant's slug, or any name for a direct container. */
  readonly slug: string;
  readonly baseUrl: string;
  readonly agent: http.Agent;
  /** Credentials sent with every request (Cookie, or X-Berth-* identity headers). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A tenant through Traefik as the session's user, signed in to it by single sign-on. */
export async function signedInTarget(stack: Stack, session: Session, slug: string): Promise<TenantTarget> {
  const cookie = await openTenant(stack, session, slug);
  return { slug, baseUrl: stack.tenantUrl(slug), agent: stack.agent, headers: { cookie } };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function callTenant(
  target: TenantTarget,
  path: string,
  opts: Omit<CallOptions, 'agent'> & { json?: unknown } = {},
): Promise<CallResult> {
  const method = (opts.method ?? (opts.json !== undefined ? 'POST' : 'GET')).toUpperCase();
  const headers: Record<string, string> = { ...target.headers, ...opts.headers };
  if (!SAFE.has(method)) headers.origin = new URL(target.baseUrl).origin;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  return call(`${target.baseUrl}${path}`, { ...opts, method, headers, body, agent: target.agent });
}

/** Identity headers of a session user, for talking to a container without Traefik in front. */
export function directIdentityHeaders(user: { id: string; email: string; role?: 'owner' | 'member' }): Record<string, string> {
  return {
    'x-berth-auth': 'session',
    'x-berth-user-id': user.id,
    'x-berth-user-email': user.email,
    'x-berth-user-role': user.role ?? 'owner',
  };
}
