// Deletes expired rows on a timer: sessions, tenant sessions (berth_t), SSO codes, API tokens,
// lapsed invitations and rate-limit rows that left their window (invitation budgets prune
// themselves on every invite). Every lookup already ignores expired rows, so the
// sweep only keeps the tables small; logins and redemptions still clean up after themselves.
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import type { Logger } from '@berth/common/logger';
import { createWaker } from '../wait/waker.js';
import { sweepExpiredTokens } from './api-tokens.js';
import { pruneRule } from './attempt-throttle.js';
import { sweepInvitations } from './invitations.js';
import { LOGIN_RULES } from './login-throttle.js';
import { signupRule, type SignupLimits } from './signup-throttle.js';

export interface SweepCounts {
  readonly sessions: number;
  readonly tenantSessions: number;
  readonly ssoCodes: number;
  readonly throttleRows: number;
  readonly apiTokens: number;
  readonly invitations: number;
}

export function sweepExpired(db: Db, limits: SignupLimits, now: number): SweepCounts {
  return writeTx(db, () => {
    // Children first: a session's cascade would delete them too, but uncounted.
    const tenantSessions = db.prepare('DELETE FROM tenant_sessions WHERE expires_at <= ?').run(now).changes;
    const ssoCodes = db.prepare('DELETE FROM sso_codes WHERE expires_at <= ?').run(now).changes;
    const sessions = db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
    let throttleRows = 0;
    for (const rule of [...LOGIN_RULES, signupRule(limits)]) throttleRows += pruneRule(db, rule, now);
    const apiTokens = sweepExpiredTokens(db, now);
    const invitations = sweepInvitations(db, now);
    return { sessions, tenantSessions, ssoCodes, throttleRows, apiTokens, invitations };
  });
}

export interface ExpirySweepDeps {
  readonly db: Db;
  readonly log: Logger;
  readonly config: SignupLimits & Pick<Config, 'expirySweepIntervalMs'>;
}

/** Sweeps at once, then every expirySweepIntervalMs until the signal aborts. Never rejects. */
export async function runExpirySweep(deps: ExpirySweepDeps, signal: AbortSignal): Promise<void> {
  const { db, log, config } = deps;
  const sleep = createWaker();
  while (!signal.aborted) {
    try {
      const counts = sweepExpired(db, config, Date.now());
      const total = counts.sessions + counts.tenantSessions + counts.ssoCodes + counts.throttleRows + counts.apiTokens + counts.invitations;
      if (total > 0) log.info('expired rows removed', { ...counts });
    } catch (err) {
      // A busy or full database: the next period tries again; nothing is lost by waiting.
      log.warn('expiry sweep failed; will retry', { err: err as Error });
    }
    await sleep.wait(config.expirySweepIntervalMs, signal);
  }
}
