// API tokens: created and revoked by the tenant's members, shown once, stored as SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/write-tx.js';
import type { TokenOwner } from './identity.js';

export interface ApiToken {
  readonly id: number;
  readonly name: string;
  readonly hint: string;
  readonly createdByEmail: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

const TOKEN_PREFIX = 'berth_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createToken(db: Db, name: string, creator: { userId: string; email: string }): { token: string; record: ApiToken } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const hint = `${token.slice(0, TOKEN_PREFIX.length + 4)}…`;
  const now = Date.now();
  const id = writeTx(db, () =>
    Number(
      db
        .prepare('INSERT INTO _berth_api_tokens (name, token_hash, token_hint, created_by_id, created_by_email, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(name, hashToken(token), hint, creator.userId, creator.email, now).lastInsertRowid,
    ),
  );
  return { token, record: { id, name, hint, createdByEmail: creator.email, createdAt: now, lastUsedAt: null } };
}

export function listTokens(db: Db): ApiToken[] {
  return db
    .prepare(
      `SELECT id, name, token_hint AS hint, created_by_email AS createdByEmail, created_at AS createdAt, last_used_at AS lastUsedAt
       FROM _berth_api_tokens WHERE revoked_at IS NULL ORDER BY id DESC`,
    )
    .all() as ApiToken[];
}

/** Returns false when no live token has that id. */
export function revokeToken(db: Db, id: number): boolean {
  return writeTx(db, () => db.prepare('UPDATE _berth_api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(Date.now(), id).changes > 0);
}

export function findTokenOwner(db: Db, token: string): TokenOwner | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = db
    .prepare('SELECT id, created_by_id AS userId, created_by_email AS email FROM _berth_api_tokens WHERE token_hash = ? AND revoked_at IS NULL')
    .get(hashToken(token)) as { id: number; userId: string; email: string } | undefined;
  return row ? { tokenId: row.id, userId: row.userId, email: row.email } : undefined;
}

const USE_RECORD_INTERVAL_MS = 5 * 60_000;
const lastRecorded = new Map<number, number>();

/** Records token use at most every few minutes, so reads by token do not each cost a write. */
export function recordTokenUse(db: Db, tokenId: number, now = Date.now()): void {
  const last = lastRecorded.get(tokenId) ?? 0;
  if (now - last < USE_RECORD_INTERVAL_MS) return;
  lastRecorded.set(tokenId, now);
  writeTx(db, () => db.prepare('UPDATE _berth_api_tokens SET last_used_at = ? WHERE id = ?').run(now, tokenId));
}
