// Who is asking. Traefik's ForwardAuth (the control plane) vouches for every request with
// X-Berth-User-* headers after deleting any client-sent copies: X-Berth-Auth: session for a
// signed-in person, X-Berth-Auth: bearer for an API token (checked by the control plane, which
// holds the tokens; this app holds none) with X-Berth-Token-Scope. Nothing else is an identity.
import type { IncomingHttpHeaders } from 'node:http';

export const ROLES = ['owner', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export type TokenScope = 'read' | 'write';

export interface Identity {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
  readonly via: 'session' | 'bearer';
  /** Bearer requests only: what the token may do (read caps the role at viewer). */
  readonly scope?: TokenScope;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isRole(value: string | undefined): value is Role {
  return (ROLES as readonly string[]).includes(value ?? '');
}

export function resolveIdentity(headers: IncomingHttpHeaders): Identity | undefined {
  const mode = header(headers, 'x-berth-auth');
  const userId = header(headers, 'x-berth-user-id');
  const email = header(headers, 'x-berth-user-email');
  const role = header(headers, 'x-berth-user-role');
  if (!userId || !email || !isRole(role)) return undefined;
  if (mode === 'session') return { userId, email, role, via: 'session' };
  if (mode === 'bearer') {
    const scope = header(headers, 'x-berth-token-scope');
    if (scope !== 'read' && scope !== 'write') return undefined;
    // The control plane already lowered the role; lowering it here again costs nothing and
    // keeps a read token read-only even if the two ever disagree.
    return { userId, email, role: scope === 'read' ? 'viewer' : role, via: 'bearer', scope };
  }
  return undefined;
}
