// People with an account. Nobody becomes an admin by signing up — not the first account, not
// an address on a list: an email is unverified, so claiming one must grant nothing. Admins are
// granted and revoked only by the operator of the host (./berth admin, operator token).
import { writeAudit } from '../audit/audit-log.js';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { BerthError } from '../errors.js';

export interface User {
  readonly id: number;
  readonly email: string;
  readonly isAdmin: boolean;
}

interface UserRow {
  id: number;
  email: string;
  is_admin: number;
  password_hash: string;
}

export function toUser(row: { id: number; email: string; is_admin: number }): User {
  return { id: row.id, email: row.email, isAdmin: row.is_admin === 1 };
}

/** Inserts a user, never an admin; EMAIL_TAKEN if the (case-insensitive) email exists. */
export function insertUser(db: Db, email: string, passwordHash: string, now: number): User {
  return writeTx(db, () => {
    if (db.prepare('SELECT 1 FROM users WHERE email = ?').get(email)) {
      throw new BerthError('EMAIL_TAKEN', 'An account with that email already exists.', { field: 'email' });
    }
    const info = db.prepare('INSERT INTO users (email, password_hash, is_admin, created_at) VALUES (?, ?, 0, ?)').run(email, passwordHash, now);
    return toUser({ id: Number(info.lastInsertRowid), email, is_admin: 0 });
  });
}

export function findUserWithHash(db: Db, email: string): UserRow | undefined {
  return db.prepare('SELECT id, email, is_admin, password_hash FROM users WHERE email = ?').get(email) as UserRow | undefined;
}

export function findUserByEmail(db: Db, email: string): User | undefined {
  const row = findUserWithHash(db, email);
  return row ? toUser(row) : undefined;
}

export interface AdminChange {
  readonly email: string;
  readonly isAdmin: boolean;
  /** False when the account already was what was asked. */
  readonly changed: boolean;
}

/**
 * Grants or revokes admin for an existing account (the operator's decision, audited).
 * NOT_FOUND if no account uses the email: granting must never wait for someone to claim it.
 */
export function setAdmin(db: Db, email: string, isAdmin: boolean, actor: string, now: number): AdminChange {
  return writeTx(db, () => {
    const row = db.prepare('SELECT id, email, is_admin FROM users WHERE email = ?').get(email) as { id: number; email: string; is_admin: number } | undefined;
    if (!row) throw new BerthError('NOT_FOUND', `No account uses ${email}; they sign up first, then the operator grants admin.`);
    const changed = (row.is_admin === 1) !== isAdmin;
    if (changed) {
      db.prepare('UPDATE users SET is_admin = ? WHERE id = ?').run(isAdmin ? 1 : 0, row.id);
      writeAudit(db, now, actor, isAdmin ? 'admin.grant' : 'admin.revoke', row.email);
    }
    return { email: row.email, isAdmin, changed };
  });
}

export function listAdmins(db: Db): string[] {
  return db.prepare('SELECT email FROM users WHERE is_admin = 1 ORDER BY email').pluck().all() as string[];
}
