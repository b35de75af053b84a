// The single-sign-on hand-off from the control-plane host to a tenant host. A one-time code
// (60 s, single use, bound to the session, the tenant and the return path) carries the login
// across; redeeming it on the tenant host creates a tenant session bound to that one tenant
// and to the parent session, so logout (which deletes the parent) ends it.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { generateToken, hashToken, isTokenShaped } from './tokens.js';

export const SSO_CODE_TTL_MS = 60_000;
export const TENANT_SESSION_TTL_MS = 12 * 3600_000;

export interface SsoGrant {
  readonly sessionIdHash: string;
  readonly tenantId: number;
  readonly returnTo: string;
}

export function createSsoCode(db: Db, grant: SsoGrant, now: number): string {
  const code = generateToken();
  writeTx(db, () => {
    db.prepare('DELETE FROM sso_codes WHERE expires_at <= ?').run(now);
    db.prepare('INSERT INTO sso_codes (code_hash, session_id_hash, tenant_id, return_to, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hashToken(code), grant.sessionIdHash, grant.tenantId, grant.returnTo, now + SSO_CODE_TTL_MS);
  });
  return code;
}

export type RedeemResult =
  | { readonly ok: true; readonly token: string; readonly expiresAt: number; readonly returnTo: string }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'wrong-tenant' | 'not-member' };

interface CodeRow {
  session_id_hash: string;
  tenant_id: number;
  return_to: string;
  expires_at: number;
  slug: string;
  desired_state: string;
  session_expires_at: number;
  is_member: number;
}

/**
 * Redeems a code presented on the host of tenant `hostSlug`. The code is deleted whatever the
 * outcome, so a code that reached the wrong host (or a thief) is dead after one try.
 */
export function redeemSsoCode(db: Db, code: string | undefined, hostSlug: string, now: number): RedeemResult {
  if (!isTokenShaped(code)) return { ok: false, reason: 'unknown' };
  const codeHash = hashToken(code);
  return writeTx(db, (): RedeemResult => {
    const row = db
      .prepare(
        `SELECT c.session_id_hash, c.tenant_id, c.return_to, c.expires_at, t.slug, t.desired_state,
                s.expires_at AS session_expires_at,
                EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = c.tenant_id AND m.user_id = s.user_id) AS is_member
           FROM sso_codes c
           JOIN tenants t ON t.id = c.tenant_id
           JOIN sessions s ON s.id_hash = c.session_id_hash
          WHERE c.code_hash = ?`,
      )
      .get(codeHash) as CodeRow | undefined;
    db.prepare('DELETE FROM sso_codes WHERE code_hash = ?').run(codeHash);
    if (!row || row.desired_state !== 'running' || row.session_expires_at <= now) return { ok: false, reason: 'unknown' };
    if (row.expires_at <= now) return { ok: false, reason: 'expired' };
    if (row.slug !== hostSlug) return { ok: false, reason: 'wrong-tenant' };
    if (row.is_member !== 1) return { ok: false, reason: 'not-member' };
    const token = generateToken();
    const expiresAt = Math.min(now + TENANT_SESSION_TTL_MS, row.session_expires_at);
    db.prepare('DELETE FROM tenant_sessions WHERE tenant_id = ? AND expires_at <= ?').run(row.tenant_id, now);
    db.prepare('INSERT INTO tenant_sessions (id_hash, session_id_hash, tenant_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hashToken(token), row.session_id_hash, row.tenant_id, now, expiresAt);
    return { ok: true, token, expiresAt, returnTo: row.return_to };
  });
}

/** Ends every tenant session and unused code of a tenant (it was deleted); call inside that write transaction. */
export function endTenantSessions(db: Db, tenantId: number): void {
  db.prepare('DELETE FROM tenant_sessions WHERE tenant_id = ?').run(tenantId);
  db.prepare('DELETE FROM sso_codes WHERE tenant_id = ?').run(tenantId);
}
