// API tokens: bearer credentials for one tenant, acting for one member with a scope (read, or
// read and write) and an expiry. They live here, not in the tenant: a tenant holds no secret and
// mints no credential, and ForwardAuth decides every bearer request exactly as it decides a
// cookie — token, expiry and current membership in one indexed lookup — so removing a member,
// deleting the tenant, revoking the token or logging out ends it at the next request.
import { randomBytes } from 'node:crypto';
import { writeAudit } from '../audit/audit-log.js';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import type { Role, TenantRef } from './roles.js';
import { hashToken } from './tokens.js';

export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Distinct from the tenant-made tokens of earlier versions (`berth_…`), so their holders get a precise answer. */
export const API_TOKEN_PREFIX = 'bth_';
export const DEFAULT_TOKEN_DAYS = 90;
const DAY_MS = 24 * 3600_000;

export interface ApiToken {
  readonly id: number;
  readonly name: string;
  readonly hint: string;
  readonly scope: TokenScope;
  readonly userId: number;
  readonly email: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt: number | null;
}

export interface TokenHolder {
  readonly userId: number;
  readonly email: string;
  readonly role: Role;
}

export interface NewTokenRequest {
  readonly name: string;
  readonly scope: string;
  /** Days until it expires; undefined = the default (capped by maxDays). */
  readonly days?: number;
}

export function isApiTokenShaped(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX) && /^[A-Za-z0-9_-]{43}$/.test(value.slice(API_TOKEN_PREFIX.length));
}

/** What a token may do: its holder's role, lowered to viewer by a read scope. */
export function effectiveRole(role: Role, scope: TokenScope): Role {
  return scope === 'read' ? 'viewer' : role;
}

function checkRequest(req: NewTokenRequest, holder: TokenHolder, maxDays: number): { name: string; scope: TokenScope; days: number } {
  const name = req.name.trim();
  if (name === '' || name.length > 100) throw new BerthError('VALIDATION_FAILED', 'Give the token a name of 1 to 100 characters.', { fields: { name: 'required, at most 100 characters' } });
  if (!(TOKEN_SCOPES as readonly string[]).includes(req.scope)) {
    throw new BerthError('VALIDATION_FAILED', 'The scope is read, or write (read and write).', { fields: { scope: 'read or write' } });
  }
  const scope = req.scope as TokenScope;
  if (scope === 'write' && holder.role === 'viewer') {
    throw new BerthError('FORBIDDEN', 'A viewer may only create read tokens; ask an owner to make you a member.', { fields: { scope: 'read only for viewers' } });
  }
  const days = req.days ?? Math.min(DEFAULT_TOKEN_DAYS, maxDays);
  if (!Number.isInteger(days) || days < 1 || days > maxDays) {
    throw new BerthError('VALIDATION_FAILED', `A token lasts 1 to ${maxDays} days.`, { fields: { days: `1 to ${maxDays}` } });
  }
  return { name, scope, days };
}

/** Creates a token for `holder` on `tenant`; the value is returned once and never stored. */
export function createApiToken(db: Db, tenant: TenantRef, holder: TokenHolder, req: NewTokenRequest, maxDays: number, now: number): { token: string; record: ApiToken } {
  const { name, scope, days } = checkRequest(req, holder, maxDays);
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const hint = `${token.slice(0, API_TOKEN_PREFIX.length + 4)}…`;
  const expiresAt = now + days * DAY_MS;
  const id = writeTx(db, () => {
    const row = db
      .prepare('INSERT INTO api_tokens (tenant_id, user_id, name, token_hash, hint, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(tenant.id, holder.userId, name, hashToken(token), hint, scope, now, expiresAt);
    writeAudit(db, now, holder.email, 'token.create', tenant.slug, { name, scope, expiresAt: new Date(expiresAt).toISOString() });
    return Number(row.lastInsertRowid);
  });
  return { token, record: { id, name, hint, scope, userId: holder.userId, email: holder.email, createdAt: now, expiresAt, lastUsedAt: null } };
}

const SELECT_TOKENS = `
  SELECT t.id, t.name, t.hint, t.scope, t.user_id AS userId, u.email, t.created_at AS createdAt, t.expires_at AS expiresAt, t.last_used_at AS lastUsedAt
    FROM api_tokens t JOIN users u ON u.id = t.user_id
   WHERE t.tenant_id = ? AND t.expires_at > ?`;

/** The live tokens `viewer` may see: an owner sees every token of the tenant, anyone else their own. */
export function listApiTokens(db: Db, tenantId: number, viewer: Pick<TokenHolder, 'userId' | 'role'>, now: number): ApiToken[] {
  return viewer.role === 'owner'
    ? (db.prepare(`${SELECT_TOKENS} ORDER BY t.id DESC`).all(tenantId, now) as ApiToken[])
    : (db.prepare(`${SELECT_TOKENS} AND t.user_id = ? ORDER BY t.id DESC`).all(tenantId, now, viewer.userId) as ApiToken[]);
}

/** Revokes (deletes) a token: its holder may, and an owner may revoke anyone's. */
export function revokeApiToken(db: Db, tenant: TenantRef, tokenId: number, actor: TokenHolder, now: number): void {
  writeTx(db, () => {
    const row = db.prepare('SELECT t.user_id, t.name, u.email FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ? AND t.tenant_id = ?')
      .get(tokenId, tenant.id) as { user_id: number; name: string; email: string } | undefined;
    // Someone else's token is "not found" to a non-owner, who cannot list it either.
    if (!row || (row.user_id !== actor.userId && actor.role !== 'owner')) throw new BerthError('NOT_FOUND', `No such token on ${tenant.slug}.`);
    db.prepare('DELETE FROM api_tokens WHERE id = ?').run(tokenId);
    writeAudit(db, now, actor.email, 'token.revoke', tenant.slug, { name: row.name, holder: row.email });
  });
}

/** Deletes every token of a person on one tenant (they left or were removed); call inside that write transaction. */
export function deleteMemberTokens(db: Db, tenantId: number, userId: number): number {
  return db.prepare('DELETE FROM api_tokens WHERE tenant_id = ? AND user_id = ?').run(tenantId, userId).changes;
}

/** Deletes every token of a tenant (it was deleted); call inside that write transaction. */
export function deleteTenantTokens(db: Db, tenantId: number): number {
  return db.prepare('DELETE FROM api_tokens WHERE tenant_id = ?').run(tenantId).changes;
}

/** Deletes every token a person holds on any tenant (they logged out); call inside that write transaction. */
export function deleteUserTokens(db: Db, userId: number): number {
  return db.prepare('DELETE FROM api_tokens WHERE user_id = ?').run(userId).changes;
}

export function sweepExpiredTokens(db: Db, now: number): number {
  return db.prepare('DELETE FROM api_tokens WHERE expires_at <= ?').run(now).changes;
}
