// Login rate limiting: failures are rows in login_failures keyed by account and by client
// address; a login is refused while either key has too many failures inside the window.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';

export const LOGIN_LIMITS = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20 } as const;

export interface LoginSubject {
  readonly email: string;
  readonly address: string;
}

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

/**
 * Seconds until a login may be tried again, given the failure times of one key (newest
 * first), or 0 if allowed now. The limit-th newest failure is the one whose expiry lets the
 * count drop below the limit.
 */
export function computeRetryAfterS(failuresNewestFirst: readonly number[], limit: number, windowMs: number, now: number): number {
  const pivot = failuresNewestFirst[limit - 1];
  if (pivot === undefined || pivot <= now - windowMs) return 0;
  return Math.max(1, Math.ceil((pivot + windowMs - now) / 1000));
}

/** Seconds to wait before this login may be attempted (0: go ahead). */
export function checkLoginThrottle(db: Db, subject: LoginSubject, now: number): number {
  const recent = db.prepare('SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?').pluck();
  const since = now - LOGIN_LIMITS.windowMs;
  const byAccount = recent.all(accountKey(subject.email), since, LOGIN_LIMITS.perAccount) as number[];
  const byAddress = recent.all(addressKey(subject.address), since, LOGIN_LIMITS.perAddress) as number[];
  return Math.max(
    computeRetryAfterS(byAccount, LOGIN_LIMITS.perAccount, LOGIN_LIMITS.windowMs, now),
    computeRetryAfterS(byAddress, LOGIN_LIMITS.perAddress, LOGIN_LIMITS.windowMs, now),
  );
}

export function recordLoginFailure(db: Db, subject: LoginSubject, now: number): void {
  writeTx(db, () => {
    db.prepare('DELETE FROM login_failures WHERE at <= ?').run(now - LOGIN_LIMITS.windowMs);
    const insert = db.prepare('INSERT INTO login_failures (key, at) VALUES (?, ?)');
    insert.run(accountKey(subject.email), now);
    insert.run(addressKey(subject.address), now);
  });
}

/** A successful login forgives the account's failures (not the address's). */
export function clearAccountFailures(db: Db, email: string): void {
  writeTx(db, () => {
    db.prepare('DELETE FROM login_failures WHERE key = ?').run(accountKey(email));
  });
}
