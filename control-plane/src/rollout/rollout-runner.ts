// The background task that carries rollouts out: picks the active rollout, resumes tenants a
// previous process left mid-way, starts the next ones as planRollout says (canary first,
// bounded parallelism), and records the rollout's state. One rollout at a time; the state in
// SQLite is the only memory it needs, so a restart simply continues.
import { createWaker } from '../wait/waker.js';
import type { RolloutIo } from './rollout-io.js';
import { planRollout } from './rollout-plan.js';
import { activeRollouts, appendEvent, getRollout, listRolloutTenants, setRolloutState, updateRolloutTenant } from './rollout-store.js';
import { HOLDS_LOCK } from './rollout-types.js';
import { driveTenant } from './tenant-rollout.js';

export interface RolloutRunner {
  /** A rollout was created or cancelled: look now instead of at the next poll. */
  wake(): void;
  run(signal: AbortSignal): Promise<void>;
}

/** How often an idle runner looks for new rollouts when nobody wakes it (another process may write them). */
const IDLE_POLL_MS = 1000;
/** A tenant whose driver failed unexpectedly is resumed after this pause, not in a hot loop. */
const RELAUNCH_PAUSE_MS = 1000;

export function createRolloutRunner(io: RolloutIo): RolloutRunner {
  const waker = createWaker();

  const driveRollout = async (rolloutId: number, signal: AbortSignal) => {
    const inFlight = new Map<number, Promise<void>>();
    const pausedUntil = new Map<number, number>();
    const launch = (tenantId: number, fresh: boolean) => {
      const p = driveTenant(io, rolloutId, tenantId, fresh, signal)
        .catch((err) => {
          if (signal.aborted) return;
          io.log.error('tenant rollout driver failed; it will resume', { rollout: rolloutId, tenantId, err: err as Error });
          pausedUntil.set(tenantId, Date.now() + RELAUNCH_PAUSE_MS);
        })
        .finally(() => {
          inFlight.delete(tenantId);
          waker.wake();
        });
      inFlight.set(tenantId, p);
    };

    while (!signal.aborted) {
      const rollout = getRollout(io.db, rolloutId);
      if (!rollout) return;
      const tenants = listRolloutTenants(io.db, rolloutId);
      // Tenants that hold a lock but have no driver: left by a previous process (or a failed driver).
      for (const t of tenants) {
        if (HOLDS_LOCK.includes(t.state) && !inFlight.has(t.tenantId) && (pausedUntil.get(t.tenantId) ?? 0) <= Date.now()) launch(t.tenantId, false);
      }
      const plan = planRollout(rollout, tenants);
      if (plan.skip.length > 0) {
        for (const id of plan.skip) updateRolloutTenant(io.db, rolloutId, id, { state: 'skipped', reason: plan.skipReason, finishedAt: Date.now() }, Date.now());
        appendEvent(io.db, rolloutId, null, 'rollout', 'state', `${plan.skip.length} tenant(s) skipped: ${plan.skipReason}`);
      }
      if (plan.state !== rollout.state) {
        setRolloutState(io.db, rolloutId, plan.state, plan.error, Date.now());
        io.log.info('rollout state', { rollout: rolloutId, state: plan.state, error: plan.error });
      }
      if (plan.state === 'done' || plan.state === 'failed' || plan.state === 'cancelled') {
        if (inFlight.size === 0) return;
      }
      for (const id of plan.start) {
        // Claimed before its driver runs, so the next plan counts it as busy.
        updateRolloutTenant(io.db, rolloutId, id, { state: 'rolling', step: 'lock', startedAt: Date.now() }, Date.now());
        launch(id, true);
      }
      // Woken when a tenant finishes or someone cancels; the poll catches a cancel from another process.
      await waker.wait(500, signal);
    }
    await Promise.allSettled(inFlight.values());
  };

  return {
    wake: () => waker.wake(),
    async run(signal) {
      while (!signal.aborted) {
        const active = activeRollouts(io.db)[0];
        if (!active) {
          await waker.wait(IDLE_POLL_MS, signal);
          continue;
        }
        try {
          await driveRollout(active.id, signal);
        } catch (err) {
          if (signal.aborted) break;
          io.log.error('rollout runner failed; retrying', { rollout: active.id, err: err as Error });
          await waker.wait(RELAUNCH_PAUSE_MS, signal);
        }
      }
    },
  };
}
