// Pure decisions of the lease: what a process does after each attempt, whether a renewal came
// too late to trust, what the heartbeat says about the lease, and whether a process is alive.
// No clock and no database here: every input is passed in, so each rule is one table test.

export interface LeaseRow {
  readonly holder: string;
  readonly epoch: number;
  readonly expiresAt: number;
  readonly renewedAt: number;
}

export interface LeaseTiming {
  readonly ttlMs: number;
  readonly renewMs: number;
}

/** What the loop does next: start or stop the background work, or keep things as they are. */
export type LeaseStep = 'start' | 'stop' | 'keep-holding' | 'keep-waiting';

/**
 * After an attempt to take or renew the lease. `late`: this process was not running when the
 * renewal was due (paused, swapped out) — its background work may already be fenced off, so
 * it stops even if the attempt succeeded, and starts again cleanly on the next tick.
 */
export function stepAfterAttempt(input: { readonly holding: boolean; readonly acquired: boolean; readonly late: boolean }): LeaseStep {
  if (input.holding) return input.acquired && !input.late ? 'keep-holding' : 'stop';
  return input.acquired ? 'start' : 'keep-waiting';
}

/**
 * A renewal is late when it happens more than TTL/2 after it was due: by then the lease may
 * be close to expiring in another process's eyes, so the holder gives its work up first.
 */
export function isRenewalLate(lastRenewedAt: number, now: number, t: LeaseTiming): boolean {
  return now - lastRenewedAt > t.renewMs + t.ttlMs / 2;
}

/** Whether a process that does not hold the lease should try to take it now. */
export function isTakeable(row: LeaseRow | null, now: number): boolean {
  return row === null || row.expiresAt < now;
}

export interface LeaseHealth {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The heartbeat's lease check: red when no process has held the lease for two TTLs (the
 * holder died and nobody took over, or no process may take it: every one is role web).
 */
export function leaseHealth(row: LeaseRow | null, now: number, t: LeaseTiming): LeaseHealth {
  if (row === null) return { ok: false, detail: 'no process has taken the background-work lease yet' };
  const age = now - row.renewedAt;
  const held = row.expiresAt >= now ? `held by ${row.holder} (epoch ${row.epoch})` : row.expiresAt === 0 ? `released by ${row.holder}` : `expired, last held by ${row.holder}`;
  const detail = `${held}, last renewed ${age} ms ago`;
  return { ok: age <= 2 * t.ttlMs, detail: age <= 2 * t.ttlMs ? detail : `${detail} (limit ${2 * t.ttlMs} ms)` };
}

export type ProcessState = 'serving' | 'silent';

/** A process that has not written its heartbeat for three periods is taken for gone. */
export function processState(lastSeen: number, now: number, renewMs: number): ProcessState {
  return now - lastSeen <= 3 * renewMs ? 'serving' : 'silent';
}
