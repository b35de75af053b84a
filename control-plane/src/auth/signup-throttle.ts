// Sign-up rate limiting per client address. Every sign-up that passes validation counts,
// whether it creates an account or finds the email taken: each costs an argon2 hash, and a
// taken email tells the caller that an account exists.
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { recordAttempt, throttleRetryAfterS, type ThrottleRule } from './attempt-throttle.js';

export type SignupLimits = Pick<Config, 'signupLimitPerAddress' | 'signupLimitWindowMinutes'>;

export function signupRule(config: SignupLimits): ThrottleRule {
  return { kind: 'signup-address', limit: config.signupLimitPerAddress, windowMs: config.signupLimitWindowMinutes * 60_000 };
}

/** Seconds to wait before a sign-up from this address is allowed (0: go ahead). */
export function checkSignupThrottle(db: Db, config: SignupLimits, address: string, now: number): number {
  return throttleRetryAfterS(db, signupRule(config), address, now);
}

/**
 * Checks and counts in one write transaction, so concurrent sign-ups from one address cannot
 * all pass the check before any is counted. Returns seconds to wait, or 0 once counted.
 */
export function takeSignupSlot(db: Db, config: SignupLimits, address: string, now: number): number {
  const rule = signupRule(config);
  return writeTx(db, () => {
    const retryAfterS = throttleRetryAfterS(db, rule, address, now);
    if (retryAfterS === 0) recordAttempt(db, rule, address, now);
    return retryAfterS;
  });
}
