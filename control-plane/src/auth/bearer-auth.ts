// ForwardAuth's answer to `Authorization: Bearer …` on a tenant host. The token must be one of
// the control plane's (api-tokens.ts), for this tenant, unexpired, and its holder still a member
// — all in one indexed lookup on every request, no cache, so every way of ending a membership or
// a token takes effect at the next request. The tenant receives the holder's identity with the
// role lowered by the token's scope, exactly like a session user, plus the scope itself.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { API_TOKEN_PREFIX, effectiveRole, isApiTokenShaped, type TokenScope } from './api-tokens.js';
import type { Role } from './roles.js';
import { hashToken } from './tokens.js';

export type BearerDecision =
  | { readonly kind: 'allow'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'deny'; readonly code: 'UNAUTHENTICATED'; readonly message: string };

interface TokenRow {
  id: number;
  user_id: number;
  email: string;
  role: Role;
  scope: TokenScope;
  last_used_at: number | null;
}

// last_used_at is for people deciding which token to revoke; minutes are precise enough, and a
// write per request would put every API call on the write lock.
const USE_RECORD_INTERVAL_MS = 5 * 60_000;

export type BearerCheck = (authorization: string, tenant: { id: number; slug: string }, now: number) => BearerDecision;

export function bearerValue(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

export function createBearerCheck(db: Db, publicUrl: string): BearerCheck {
  const tokenFor = db.prepare(
    `SELECT t.id, t.user_id, u.email, m.role, t.scope, t.last_used_at
       FROM api_tokens t
       JOIN users u ON u.id = t.user_id
       JOIN memberships m ON m.tenant_id = t.tenant_id AND m.user_id = t.user_id
      WHERE t.token_hash = ? AND t.tenant_id = ? AND t.expires_at > ?`,
  );
  const recordUse = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
  const recorded = new Map<number, number>();

  return (authorization, tenant, now) => {
    const value = bearerValue(authorization) ?? '';
    const row = isApiTokenShaped(value) ? (tokenFor.get(hashToken(value), tenant.id, now) as TokenRow | undefined) : undefined;
    if (!row) {
      const old = value.startsWith('berth_') ? ' Tokens made inside the instance by earlier versions of berth no longer work.' : '';
      return {
        kind: 'deny',
        code: 'UNAUTHENTICATED',
        message: `This API token is not valid for ${tenant.slug}: unknown, expired or revoked, or its holder is no longer a member.${old} Create one (${API_TOKEN_PREFIX}…) at ${publicUrl}/instances/${tenant.slug}.`,
      };
    }
    if (now - Math.max(row.last_used_at ?? 0, recorded.get(row.id) ?? 0) >= USE_RECORD_INTERVAL_MS) {
      if (recorded.size > 10_000) recorded.clear();
      recorded.set(row.id, now);
      writeTx(db, () => recordUse.run(now, row.id));
    }
    return {
      kind: 'allow',
      headers: {
        'X-Berth-User-Id': String(row.user_id),
        'X-Berth-User-Email': row.email,
        'X-Berth-User-Role': effectiveRole(row.role, row.scope),
        'X-Berth-Auth': 'bearer',
        'X-Berth-Token-Scope': row.scope,
      },
    };
  };
}
