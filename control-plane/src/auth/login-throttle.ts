// Login rate limiting. Every attempt is reserved, checked and counted in one write transaction
// BEFORE its password is hashed, so N concurrent guesses cannot all pass the check before any
// is counted: at most the limit is ever evaluated. A successful login gives its reservation
// back. Three budgets, each a sliding window:
//   - per (account, address): the lockout. A stranger who exhausts it locks only their own
//     address out of that account, never the owner at theirs.
//   - per address, across accounts: one address spraying many accounts.
//   - per account, across addresses, checked only for addresses that never logged in to the
//     account: a distributed guesser (many addresses) is capped in total, and the owner at an
//     address they logged in from before (within KNOWN_ADDRESS_MS) still gets in.
// Residual: while a distributed attack holds the account-wide budget, the owner cannot log in
// from a new address for up to one window; a co-tenant of the owner's own address (same NAT)
// can use up the pair budget of that address.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { clearAttempts, deleteAttempts, recordAttempt, seenWithin, throttleRetryAfterS, type ThrottleRule } from './attempt-throttle.js';

export const LOGIN_LIMITS = {
  windowMs: 15 * 60_000,
  perAccountAndAddress: 5,
  perAddress: 20,
  perAccountFromNewAddresses: 30,
  /** How long an address that logged in to an account stays exempt from the account-wide budget. */
  knownAddressMs: 90 * 24 * 3_600_000,
} as const;

const BY_PAIR: ThrottleRule = { kind: 'account-address', limit: LOGIN_LIMITS.perAccountAndAddress, windowMs: LOGIN_LIMITS.windowMs };
const BY_ADDRESS: ThrottleRule = { kind: 'address', limit: LOGIN_LIMITS.perAddress, windowMs: LOGIN_LIMITS.windowMs };
const BY_ACCOUNT: ThrottleRule = { kind: 'account', limit: LOGIN_LIMITS.perAccountFromNewAddresses, windowMs: LOGIN_LIMITS.windowMs };
/** One row per (address, account) that logged in successfully; pruned after knownAddressMs. */
const KNOWN: ThrottleRule = { kind: 'known', limit: 1, windowMs: LOGIN_LIMITS.knownAddressMs };
export const LOGIN_RULES: readonly ThrottleRule[] = [BY_PAIR, BY_ADDRESS, BY_ACCOUNT, KNOWN];

export interface LoginSubject {
  readonly email: string;
  readonly address: string;
}

/** The attempt rows one reservation inserted, so a success can give exactly them back. */
export interface LoginReservation {
  readonly subject: LoginSubject;
  readonly rowIds: readonly number[];
}

export type ReserveResult = { readonly retryAfterS: number } | { readonly reservation: LoginReservation };

// An address holds no space; the email after it may hold anything, so the key is unambiguous.
const pairOf = (s: LoginSubject) => `${s.address} ${s.email}`;

/**
 * Checks every budget that applies and, if none is spent, counts this attempt in all of
 * them — one write transaction, taken before any password work.
 */
export function reserveLoginAttempt(db: Db, subject: LoginSubject, now: number): ReserveResult {
  return writeTx(db, () => {
    const known = seenWithin(db, KNOWN, pairOf(subject), now);
    const checks: [ThrottleRule, string][] = [[BY_PAIR, pairOf(subject)], [BY_ADDRESS, subject.address]];
    if (!known) checks.push([BY_ACCOUNT, subject.email]);
    const retryAfterS = Math.max(...checks.map(([rule, key]) => throttleRetryAfterS(db, rule, key, now)));
    if (retryAfterS > 0) return { retryAfterS };
    // Counted account-wide even from a known address, so the total stays an honest count.
    const rowIds = [
      recordAttempt(db, BY_PAIR, pairOf(subject), now),
      recordAttempt(db, BY_ADDRESS, subject.address, now),
      recordAttempt(db, BY_ACCOUNT, subject.email, now),
    ];
    return { reservation: { subject, rowIds } };
  });
}

/**
 * A correct password: this attempt does not count, the pair's earlier failures are forgiven
 * and the address becomes known for the account. The account-wide and address-wide failures
 * of others stay: forgiving them would hand a distributed guesser a fresh budget.
 */
export function settleLoginSuccess(db: Db, reservation: LoginReservation, now: number): void {
  const pair = pairOf(reservation.subject);
  writeTx(db, () => {
    deleteAttempts(db, reservation.rowIds);
    clearAttempts(db, BY_PAIR, pair);
    clearAttempts(db, KNOWN, pair);
    recordAttempt(db, KNOWN, pair, now);
  });
}
