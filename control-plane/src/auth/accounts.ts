// Sign-up and log-in as one operation each, shared by the pages and the JSON API. They
// return a new session or throw a BerthError whose details name the fields at fault.
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { checkSignup, normalizeEmail, PASSWORD_MAX_LENGTH } from './account-rules.js';
import { checkLoginThrottle, clearAccountFailures, recordLoginFailure } from './login-throttle.js';
import { hashPassword, verifyDecoyPassword, verifyPassword } from './passwords.js';
import { createSession, type NewSession } from './sessions.js';
import { findUserWithHash, insertUser, toUser } from './users.js';

export interface AccountDeps {
  readonly db: Db;
  readonly config: Pick<Config, 'adminEmails'>;
}

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

export async function signUp(deps: AccountDeps, input: Credentials, now: number): Promise<NewSession> {
  const email = normalizeEmail(input.email);
  const problems = checkSignup(email, input.password);
  if (Object.keys(problems).length > 0) {
    throw new BerthError('VALIDATION_FAILED', Object.values(problems).join(' '), { fields: problems });
  }
  const hash = await hashPassword(input.password);
  const user = insertUser(deps.db, deps.config, email, hash, now);
  return createSession(deps.db, user, now);
}

/** Logs in, or throws RATE_LIMITED (details.retryAfterS) or UNAUTHENTICATED. */
export async function logIn(deps: AccountDeps, input: Credentials & { readonly address: string }, now: number): Promise<NewSession> {
  const email = normalizeEmail(input.email);
  const subject = { email, address: input.address };
  const retryAfterS = checkLoginThrottle(deps.db, subject, now);
  if (retryAfterS > 0) {
    throw new BerthError('RATE_LIMITED', `Too many failed logins. Try again in ${describeWait(retryAfterS)}.`, { retryAfterS });
  }
  const row = email.length > 0 && input.password.length <= PASSWORD_MAX_LENGTH ? findUserWithHash(deps.db, email) : undefined;
  const ok = row ? await verifyPassword(row.password_hash, input.password) : await verifyDecoyPassword(input.password);
  if (!row || !ok) {
    recordLoginFailure(deps.db, subject, now);
    throw new BerthError('UNAUTHENTICATED', 'Wrong email or password.');
  }
  clearAccountFailures(deps.db, email);
  return createSession(deps.db, toUser(row, deps.config), now);
}

function describeWait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
