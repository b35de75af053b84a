// Sign-up and log-in as one operation each, shared by the pages and the JSON API. They
// return a new session or throw a BerthError whose details name the fields at fault.
import type { Db } from '../db/open-database.js';
import { requireFreeDisk, type DiskGuardConfig } from '../db/free-disk.js';
import { BerthError } from '../errors.js';
import { checkSignup, normalizeEmail, PASSWORD_MAX_LENGTH } from './account-rules.js';
import { acceptInvitations } from './invitations.js';
import { reserveLoginAttempt, settleLoginSuccess } from './login-throttle.js';
import { hashPassword, verifyDecoyPassword, verifyPassword } from './passwords.js';
import { createSession, type NewSession } from './sessions.js';
import { checkSignupThrottle, takeSignupSlot, type SignupLimits } from './signup-throttle.js';
import { findUserWithHash, insertUser, toUser } from './users.js';

export interface AccountDeps {
  readonly db: Db;
  readonly config: SignupLimits & DiskGuardConfig;
}

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** The client address the request came from, for rate limits. */
export interface FromAddress {
  readonly address: string;
}

/** Signs up, or throws RATE_LIMITED (details.retryAfterS), VALIDATION_FAILED or EMAIL_TAKEN. */
export async function signUp(deps: AccountDeps, input: Credentials & FromAddress, now: number): Promise<NewSession> {
  // Checked before validation too, so a refused visitor learns it before fixing their fields.
  throwIfSignupThrottled(checkSignupThrottle(deps.db, deps.config, input.address, now));
  const email = normalizeEmail(input.email);
  const problems = checkSignup(email, input.password);
  if (Object.keys(problems).length > 0) {
    throw new BerthError('VALIDATION_FAILED', Object.values(problems).join(' '), { fields: problems });
  }
  requireFreeDisk(deps.config);
  throwIfSignupThrottled(takeSignupSlot(deps.db, deps.config, input.address, now));
  const hash = await hashPassword(input.password);
  const user = insertUser(deps.db, email, hash, now);
  // Invitations to this address wait for exactly this moment (see invitations.ts).
  acceptInvitations(deps.db, user, now);
  return createSession(deps.db, user, now);
}

/**
 * Logs in, or throws RATE_LIMITED (details.retryAfterS) or UNAUTHENTICATED. The attempt is
 * reserved before the password is hashed, so concurrent guesses cannot outrun the limit.
 */
export async function logIn(deps: AccountDeps, input: Credentials & FromAddress, now: number): Promise<NewSession> {
  const email = normalizeEmail(input.email);
  const reserved = reserveLoginAttempt(deps.db, { email, address: input.address }, now);
  if ('retryAfterS' in reserved) {
    throw new BerthError('RATE_LIMITED', `Too many failed logins. Try again in ${describeWait(reserved.retryAfterS)}.`, { retryAfterS: reserved.retryAfterS });
  }
  const row = email.length > 0 && input.password.length <= PASSWORD_MAX_LENGTH ? findUserWithHash(deps.db, email) : undefined;
  const ok = row ? await verifyPassword(row.password_hash, input.password) : await verifyDecoyPassword(input.password);
  // A failure keeps its reservation: it was counted before the hash.
  if (!row || !ok) throw new BerthError('UNAUTHENTICATED', 'Wrong email or password.');
  settleLoginSuccess(deps.db, reserved.reservation, now);
  const user = toUser(row);
  acceptInvitations(deps.db, user, now);
  return createSession(deps.db, user, now);
}

function throwIfSignupThrottled(retryAfterS: number): void {
  if (retryAfterS > 0) {
    throw new BerthError('RATE_LIMITED', `Too many sign-ups from your network. Try again in ${describeWait(retryAfterS)}.`, { retryAfterS });
  }
}

function describeWait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
