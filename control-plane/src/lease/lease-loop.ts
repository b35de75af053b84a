// The lease loop of a process that may run the background work (role all). Standby: looks at
// the lease row every standbyPollMs (a read; the write lock only when the row is free or
// expired), so a release is taken over at once and a dead holder's lease within its TTL.
// Holder: renews every renewMs inside BEGIN IMMEDIATE; a renewal that fails, or that comes
// more than TTL/2 after it was due (the process was paused), stops the work before anything
// else, and a write the fence refused stops it too. Each holding period (a term) runs the work
// with its own AbortSignal and fence epoch, so the work starts afresh after leadership returns.
import type { Logger } from '@berth/common/logger';
import type { Db } from '../db/open-database.js';
import { leaseHeld, leaseRenewals } from '../metrics/registry.js';
import { createWaker } from '../wait/waker.js';
import type { Fence } from './fence.js';
import { isRenewalLate, isTakeable, stepAfterAttempt, type LeaseTiming } from './lease-decisions.js';
import { readLease, releaseLease, tryAcquire } from './lease-store.js';

export interface LeaseLoopDeps {
  /** The background work's own connection (the fence is installed on it). */
  readonly db: Db;
  readonly fence: Fence;
  readonly holder: string;
  readonly timing: LeaseTiming;
  readonly standbyPollMs: number;
  readonly log: Logger;
  /** Runs every background loop until the signal aborts; resolves when all have ended. */
  readonly work: (signal: AbortSignal, epoch: number) => Promise<void>;
}

interface Term {
  readonly epoch: number;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  /** The work ended without being asked to (a bug): the lease goes to someone else. */
  failed: boolean;
}

/** Runs until the signal aborts, then stops the work, awaits it and releases the lease. Never rejects. */
export async function runLeaseLoop(deps: LeaseLoopDeps, signal: AbortSignal): Promise<void> {
  const { db, fence, holder, timing, log } = deps;
  const sleep = createWaker();
  let term: Term | null = null;
  let lastRenewedAt = 0;
  let pauseUntil = 0;

  const startTerm = (epoch: number) => {
    const controller = new AbortController();
    fence.arm(holder, epoch, () => {
      log.warn('a background write was refused (LEASE_LOST); stopping the background work', { epoch });
      leaseRenewals.inc({ outcome: 'lost' });
      controller.abort();
      sleep.wake();
    });
    const t: Term = {
      epoch, controller, failed: false,
      done: deps.work(controller.signal, epoch).then(
        () => { if (!controller.signal.aborted) t.failed = true; },
        (err: unknown) => { t.failed = true; log.error('background work stopped', { err: err as Error }); },
      ).finally(() => sleep.wake()),
    };
    leaseHeld.set(1);
    log.info('lease taken: background work started', { holder, epoch });
    return t;
  };

  const stopTerm = async (reason: string) => {
    if (!term) return;
    const t = term;
    term = null;
    t.controller.abort();
    await t.done;
    fence.disarm();
    leaseHeld.set(0);
    log.info('background work stopped', { holder, epoch: t.epoch, reason });
    if (t.failed) {
      // Let another process have it, and stay out for a TTL so it can.
      safely(() => releaseLease(db, holder));
      pauseUntil = Date.now() + timing.ttlMs;
    }
  };

  const safely = <T>(fn: () => T): T | null => {
    try {
      return fn();
    } catch (err) {
      log.warn('lease database call failed', { err: err as Error });
      return null;
    }
  };

  while (!signal.aborted) {
    if (term && (term.controller.signal.aborted || term.failed)) await stopTerm(term.failed ? 'the work ended by itself' : 'a write was fenced off');
    const now = Date.now();
    const holding = term !== null;
    const late = holding && isRenewalLate(lastRenewedAt, now, timing);
    if (late) {
      // First stop, then ask: the work must not run on a lease that may already be someone else's.
      leaseRenewals.inc({ outcome: 'late' });
      await stopTerm(`renewal ${now - lastRenewedAt} ms after the last one (limit ${timing.renewMs + timing.ttlMs / 2} ms)`);
      continue;
    }
    let acquired = false;
    let epoch = 0;
    if (now >= pauseUntil && (holding || isTakeable(safely(() => readLease(db)) ?? null, now))) {
      const r = safely(() => tryAcquire(db, holder, now, timing.ttlMs));
      acquired = r?.acquired ?? false;
      epoch = r?.epoch ?? 0;
    }
    const step = stepAfterAttempt({ holding, acquired, late: false });
    if (step === 'start') {
      lastRenewedAt = now;
      leaseRenewals.inc({ outcome: 'acquired' });
      term = startTerm(epoch);
    } else if (step === 'keep-holding') {
      lastRenewedAt = now;
      leaseRenewals.inc({ outcome: 'renewed' });
    } else if (step === 'stop') {
      leaseRenewals.inc({ outcome: 'lost' });
      await stopTerm('renewal failed: another process holds the lease, or the database refused');
      continue;
    }
    await sleep.wait(term ? timing.renewMs : deps.standbyPollMs, signal);
  }
  await stopTerm('shutdown');
  // Released at once: a standby takes over on its next look instead of after the TTL.
  if (safely(() => releaseLease(db, holder))) log.info('lease released', { holder });
}
