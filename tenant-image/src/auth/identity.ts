// Who is asking. Traefik's ForwardAuth (the control plane) vouches for session users with
// X-Berth-User-* headers and X-Berth-Auth: session, after deleting any client-sent copies.
// Bearer requests arrive with X-Berth-Auth: bearer and no user headers; the token is checked
// here against the tenant's own hashed token table.
import type { IncomingHttpHeaders } from 'node:http';

export type Role = 'owner' | 'member';

export interface Identity {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
  readonly via: 'session' | 'bearer';
  readonly tokenId?: number;
}

export interface TokenOwner {
  readonly tokenId: number;
  readonly userId: string;
  readonly email: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function bearerTokenOf(headers: IncomingHttpHeaders): string | undefined {
  const auth = header(headers, 'authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m?.[1];
}

/** Resolves the identity of a request; lookupToken maps a presented bearer token to its owner. */
export function resolveIdentity(headers: IncomingHttpHeaders, lookupToken: (token: string) => TokenOwner | undefined): Identity | undefined {
  const mode = header(headers, 'x-berth-auth');
  const userId = header(headers, 'x-berth-user-id');
  if (mode === 'session') {
    const email = header(headers, 'x-berth-user-email');
    const role = header(headers, 'x-berth-user-role');
    if (!userId || !email || (role !== 'owner' && role !== 'member')) return undefined;
    return { userId, email, role, via: 'session' };
  }
  const token = bearerTokenOf(headers);
  if (token && (mode === 'bearer' || (mode === undefined && userId === undefined))) {
    const owner = lookupToken(token);
    // A token acts for the member who made it, never with owner powers.
    if (owner) return { userId: owner.userId, email: owner.email, role: 'member', via: 'bearer', tokenId: owner.tokenId };
  }
  return undefined;
}
