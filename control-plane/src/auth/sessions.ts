// Control-plane sessions: the cookie holds a random value, the table its SHA-256. Each session
// carries its own CSRF token (synchronizer pattern). Deleting a session cascades to its
// tenant sessions and unused SSO codes, which is how logout reaches every tenant.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { generateToken, hashToken, isTokenShaped } from './tokens.js';
import { toUser, type User } from './users.js';

export const SESSION_TTL_MS = 14 * 24 * 3600_000;

export interface Session {
  readonly idHash: string;
  readonly user: User;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

export interface NewSession extends Session {
  /** The cookie value; never stored. */
  readonly token: string;
}

export function createSession(db: Db, user: User, now: number): NewSession {
  const token = generateToken();
  const idHash = hashToken(token);
  const csrfToken = generateToken();
  const expiresAt = now + SESSION_TTL_MS;
  writeTx(db, () => {
    // This user's expired rows go at once; everyone else's wait for the expiry sweep.
    db.prepare('DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?').run(user.id, now);
    db.prepare('INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(idHash, user.id, csrfToken, now, expiresAt);
  });
  return { token, idHash, user, csrfToken, expiresAt };
}

interface SessionRow {
  id_hash: string;
  csrf_token: string;
  expires_at: number;
  id: number;
  email: string;
  is_admin: number;
}

/** The live session for a cookie value, or null (unknown, malformed or expired). */
export function findSession(db: Db, token: string | undefined, now: number): Session | null {
  if (!isTokenShaped(token)) return null;
  const row = db
    .prepare(
      `SELECT s.id_hash, s.csrf_token, s.expires_at, u.id, u.email, u.is_admin
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = ? AND s.expires_at > ?`,
    )
    .get(hashToken(token), now) as SessionRow | undefined;
  if (!row) return null;
  return { idHash: row.id_hash, user: toUser(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

export function deleteSession(db: Db, idHash: string): void {
  writeTx(db, () => {
    db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  });
}
