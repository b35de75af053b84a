// Login rate limiting: failures are counted per account and per client address; a login is
// refused while either has too many failures inside the window.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { clearAttempts, recordAttempt, throttleRetryAfterS, type ThrottleRule } from './attempt-throttle.js';

export const LOGIN_LIMITS = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20 } as const;

const BY_ACCOUNT: ThrottleRule = { kind: 'account', limit: LOGIN_LIMITS.perAccount, windowMs: LOGIN_LIMITS.windowMs };
const BY_ADDRESS: ThrottleRule = { kind: 'address', limit: LOGIN_LIMITS.perAddress, windowMs: LOGIN_LIMITS.windowMs };
export const LOGIN_RULES: readonly ThrottleRule[] = [BY_ACCOUNT, BY_ADDRESS];

export interface LoginSubject {
  readonly email: string;
  readonly address: string;
}

/** Seconds to wait before this login may be attempted (0: go ahead). */
export function checkLoginThrottle(db: Db, subject: LoginSubject, now: number): number {
  return Math.max(throttleRetryAfterS(db, BY_ACCOUNT, subject.email, now), throttleRetryAfterS(db, BY_ADDRESS, subject.address, now));
}

export function recordLoginFailure(db: Db, subject: LoginSubject, now: number): void {
  writeTx(db, () => {
    recordAttempt(db, BY_ACCOUNT, subject.email, now);
    recordAttempt(db, BY_ADDRESS, subject.address, now);
  });
}

/** A successful login forgives the account's failures (not the address's). */
export function clearAccountFailures(db: Db, email: string): void {
  writeTx(db, () => clearAttempts(db, BY_ACCOUNT, email));
}
