// Drives one tenant through its rollout: persist the step, record its start, run it, record
// its end (or failure), ask tenant-steps.ts what comes next. Every boundary is in SQLite
// before the next step begins, so a control plane killed at any moment resumes from here.
import { sleep } from '@berth/common/wait-for';
import { containersOf } from '../reconcile/tenant-containers.js';
import { LABEL } from '../tenants/labels.js';
import type { RolloutIo } from './rollout-io.js';
import { appendEvent, finishTenant, getRollout, getRolloutTenant, updateRolloutTenant } from './rollout-store.js';
import type { Rollout, RolloutTenant, Step } from './rollout-types.js';
import { STEP_ACTIONS } from './step-actions.js';
import {
  decideAfterFailure, decideAfterSuccess, decideResume, isPastNoReturn, isRollbackStep, rollbackEntry, type Decision, type ObservedTenant,
} from './tenant-steps.js';

/**
 * Runs one tenant until it is finished: from the start (`fresh`, just claimed by the runner)
 * or resumed from what was persisted. Rejects only when the signal aborts.
 */
export async function driveTenant(io: RolloutIo, rolloutId: number, tenantId: number, fresh: boolean, signal: AbortSignal): Promise<void> {
  const rollout = getRollout(io.db, rolloutId)!;
  let row = getRolloutTenant(io.db, rolloutId, tenantId)!;
  let decision: Decision | null = fresh
    ? { kind: 'step', step: 'lock', state: 'rolling' }
    : decideResume(row, await observe(io, row), rollout.unsafe);
  if (decision && !fresh) event(io, rollout, row.slug, 'resume', 'state', `resuming at ${describe(decision)}`);
  const attempts = new Map<Step, number>();

  while (decision) {
    signal.throwIfAborted();
    if (decision.kind === 'finish') {
      finish(io, rollout, row, decision);
      return;
    }
    const step = decision.step;
    if (decision.kind === 'retry') await sleep(decision.delayMs, signal);
    else {
      updateRolloutTenant(io.db, rolloutId, tenantId, {
        state: decision.state, step, ...(decision.reason ? { reason: decision.reason } : {}), ...(row.startedAt ? {} : { startedAt: Date.now() }),
      }, Date.now());
      if (decision.state !== row.state) event(io, rollout, row.slug, 'tenant', 'state', decision.reason ? `${decision.state}: ${decision.reason}` : decision.state);
    }
    if (!isRollbackStep(step) && !isPastNoReturn(step, rollout.unsafe) && getRollout(io.db, rolloutId)?.cancelRequested) {
      decision = { kind: 'step', step: rollbackEntry(step, rollout.unsafe), state: 'rolling-back', reason: 'rollout cancelled' };
      row = getRolloutTenant(io.db, rolloutId, tenantId)!;
      continue;
    }
    row = getRolloutTenant(io.db, rolloutId, tenantId)!;
    event(io, rollout, row.slug, step, 'start', null);
    try {
      const result = await STEP_ACTIONS[step]({
        io, rollout, row, signal,
        milestone: (name, detail) => event(io, rollout, row.slug, name, 'milestone', detail),
      });
      if (result.patch) updateRolloutTenant(io.db, rolloutId, tenantId, result.patch, Date.now());
      event(io, rollout, row.slug, step, 'end', result.detail);
      decision = result.finished ? { kind: 'finish', state: 'done', reason: result.finished, commitDesired: false } : decideAfterSuccess(step, rollout.unsafe);
    } catch (err) {
      if (signal.aborted) throw err;
      const n = (attempts.get(step) ?? 0) + 1;
      attempts.set(step, n);
      const message = (err as Error).message;
      event(io, rollout, row.slug, step, 'fail', `attempt ${n}: ${message}`);
      io.log.warn('rollout step failed', { rollout: rolloutId, tenant: row.slug, step, attempt: n, err: err as Error });
      decision = decideAfterFailure(step, rollout.unsafe, n, message);
    }
    row = getRolloutTenant(io.db, rolloutId, tenantId)!;
  }
}

function finish(io: RolloutIo, rollout: Rollout, row: RolloutTenant, decision: Extract<Decision, { kind: 'finish' }>): void {
  const reason = decision.reason ?? (decision.state === 'done' ? null : row.reason);
  const desired = decision.commitDesired && row.toGeneration !== null && row.newContainerId !== null
    ? { image: rollout.image, generation: row.toGeneration }
    : null;
  finishTenant(io.db, rollout.id, row.tenantId, { state: decision.state, step: null, reason }, desired, Date.now());
  event(io, rollout, row.slug, 'tenant', 'state', reason ? `${decision.state}: ${reason}` : decision.state);
  io.log.info('tenant rollout finished', { rollout: rollout.id, tenant: row.slug, state: decision.state, reason });
  // The reconciler owns the tenant again: let it look now rather than at its next resync.
  io.reconciler.nudge();
}

/** What Docker says about the tenant's old and new containers (for resuming). */
async function observe(io: RolloutIo, row: RolloutTenant): Promise<ObservedTenant> {
  const mine = containersOf(row.tenantId, await io.docker.listContainers(row.tenantId)).filter((c) => c.state === 'running');
  return {
    oldRunning: mine.some((c) => c.id === row.oldContainerId),
    newRunning: mine.some((c) => c.id === row.newContainerId || (row.toGeneration !== null && c.labels[LABEL.generation] === String(row.toGeneration))),
  };
}

function event(io: RolloutIo, rollout: Rollout, slug: string, step: string, phase: 'start' | 'end' | 'fail' | 'milestone' | 'state', detail: string | null): void {
  appendEvent(io.db, rollout.id, slug, step, phase, detail);
}

function describe(d: Decision): string {
  return d.kind === 'finish' ? `finish as ${d.state}${d.reason ? ` (${d.reason})` : ''}` : `${d.step}${d.kind === 'step' && d.reason ? ` (${d.reason})` : ''}`;
}
