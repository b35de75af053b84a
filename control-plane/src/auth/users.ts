// People with an account. The first account ever created is an admin, as is any email listed
// in config.adminEmails (checked at read time, so editing the list needs no migration).
import type { Config } from '../config.js';
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

export function toUser(row: { id: number; email: string; is_admin: number }, config: Pick<Config, 'adminEmails'>): User {
  return { id: row.id, email: row.email, isAdmin: row.is_admin === 1 || config.adminEmails.includes(row.email.toLowerCase()) };
}

/** Inserts a user; EMAIL_TAKEN if the (case-insensitive) email exists. */
export function insertUser(db: Db, config: Pick<Config, 'adminEmails'>, email: string, passwordHash: string, now: number): User {
  return writeTx(db, () => {
    if (db.prepare('SELECT 1 FROM users WHERE email = ?').get(email)) {
      throw new BerthError('EMAIL_TAKEN', 'An account with that email already exists.', { field: 'email' });
    }
    const first = db.prepare('SELECT 1 FROM users LIMIT 1').get() === undefined;
    const isAdmin = first || config.adminEmails.includes(email);
    const info = db
      .prepare('INSERT INTO users (email, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?)')
      .run(email, passwordHash, isAdmin ? 1 : 0, now);
    return toUser({ id: Number(info.lastInsertRowid), email, is_admin: isAdmin ? 1 : 0 }, config);
  });
}

export function findUserWithHash(db: Db, email: string): UserRow | undefined {
  return db.prepare('SELECT id, email, is_admin, password_hash FROM users WHERE email = ?').get(email) as UserRow | undefined;
}

export function findUserByEmail(db: Db, config: Pick<Config, 'adminEmails'>, email: string): User | undefined {
  const row = findUserWithHash(db, email);
  return row ? toUser(row, config) : undefined;
}
