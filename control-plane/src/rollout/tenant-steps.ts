// The per-tenant state machine as pure functions: which step follows which, what a failure
// leads to, and where a tenant resumes after the control plane restarts. The runner
// (tenant-rollout.ts) does the I/O; every decision it takes comes from here.
import { backoffMs, type Backoff } from '../wait/backoff.js';
import type { ForwardStep, RollbackStep, Step, RolloutTenantState, UnsafeMode } from './rollout-types.js';

const SAFE: readonly ForwardStep[] = [
  'lock', 'snapshot', 'start-new', 'wait-ready', 'route-both', 'probe-edge', 'route-new', 'drain-old', 'stop-old', 'commit', 'verify',
];
export const ROLLBACK_STEPS: readonly RollbackStep[] = ['rollback-route', 'rollback-drain-new', 'rollback-remove-new', 'rollback-release'];

/** A failed step is retried soon: a rollout holds the tenant (and its old container) meanwhile. */
const STEP_BACKOFF: Backoff = { baseMs: 200, maxMs: 5000 };

/** Attempts of a step that can no longer be undone (after the old container's stop) before giving up. */
export const MAX_FORWARD_ATTEMPTS = 5;
/** Attempts of one rollback step before the tenant is left to the reconciler. */
export const MAX_ROLLBACK_ATTEMPTS = 5;

/** Forward order. The unsafe controls reorder or drop steps on purpose (see rollout-types.ts). */
export function forwardSteps(unsafe: UnsafeMode | null): readonly ForwardStep[] {
  switch (unsafe) {
    case null:
      return SAFE;
    case 'no-drain':
      return SAFE.filter((s) => s !== 'drain-old');
    case 'stop-before-unroute':
      return ['lock', 'snapshot', 'start-new', 'wait-ready', 'route-both', 'probe-edge', 'stop-old', 'route-new', 'commit', 'verify'];
  }
}

export function isRollbackStep(step: Step): step is RollbackStep {
  return (ROLLBACK_STEPS as readonly string[]).includes(step);
}

/** From the stop call on, the old container may be gone: the tenant can only move forward. */
export function isPastNoReturn(step: ForwardStep, unsafe: UnsafeMode | null): boolean {
  const order = forwardSteps(unsafe);
  return order.indexOf(step) >= order.indexOf('stop-old');
}

export type Decision =
  | { readonly kind: 'step'; readonly step: Step; readonly state: RolloutTenantState; readonly reason?: string }
  | {
      readonly kind: 'finish';
      readonly state: RolloutTenantState;
      readonly reason?: string;
      /** Make the new image the tenant's desired state before releasing the lock (roll forward). */
      readonly commitDesired: boolean;
    }
  | { readonly kind: 'retry'; readonly step: Step; readonly delayMs: number };

/** What follows a step that succeeded. */
export function decideAfterSuccess(step: Step, unsafe: UnsafeMode | null): Decision {
  if (isRollbackStep(step)) {
    const i = ROLLBACK_STEPS.indexOf(step);
    const next = ROLLBACK_STEPS[i + 1];
    return next ? { kind: 'step', step: next, state: 'rolling-back' } : { kind: 'finish', state: 'rolled-back', commitDesired: false };
  }
  const order = forwardSteps(unsafe);
  const next = order[order.indexOf(step) + 1];
  return next ? { kind: 'step', step: next, state: 'rolling' } : { kind: 'finish', state: 'done', commitDesired: true };
}

/**
 * What follows a failed step. Before the old container is stopped, undo only what was done:
 * a route that listed the new container is written back first, then the new container goes.
 * After it, retry a bounded number of times, then give up forward (the new container is the
 * one serving, so it becomes the desired state and the reconciler keeps it).
 */
export function decideAfterFailure(step: Step, unsafe: UnsafeMode | null, attempt: number, reason: string): Decision {
  if (isRollbackStep(step)) {
    if (attempt < MAX_ROLLBACK_ATTEMPTS) return { kind: 'retry', step, delayMs: backoffMs(attempt, STEP_BACKOFF) };
    return { kind: 'finish', state: 'failed', reason: `rollback step ${step} failed: ${reason}`, commitDesired: false };
  }
  if (isPastNoReturn(step, unsafe)) {
    if (attempt < MAX_FORWARD_ATTEMPTS) return { kind: 'retry', step, delayMs: backoffMs(attempt, STEP_BACKOFF) };
    return { kind: 'finish', state: 'failed', reason: `${step} failed after the old container was stopped: ${reason}`, commitDesired: true };
  }
  return { kind: 'step', step: rollbackEntry(step, unsafe), state: 'rolling-back', reason: `${step}: ${reason}` };
}

/** Where undoing starts for a failure (or a cancel) before `step` completed. */
export function rollbackEntry(step: ForwardStep, unsafe: UnsafeMode | null): RollbackStep {
  const order = forwardSteps(unsafe);
  const at = order.indexOf(step);
  if (at < order.indexOf('start-new')) return 'rollback-release';
  if (at < order.indexOf('route-both')) return 'rollback-remove-new';
  return 'rollback-route';
}

export interface ObservedTenant {
  /** The container the tenant ran before the rollout is still running. */
  readonly oldRunning: boolean;
  /** A container of the rollout's generation exists and runs. */
  readonly newRunning: boolean;
}

export interface PersistedTenant {
  readonly state: RolloutTenantState;
  readonly step: Step | null;
}

/**
 * Where a tenant held by a rollout resumes after a restart, from what was persisted and what
 * Docker shows. Steps are idempotent, so most resume where they were; the cases below are
 * the ones where the world moved while nobody watched.
 */
export function decideResume(row: PersistedTenant, observed: ObservedTenant, unsafe: UnsafeMode | null): Decision | null {
  if (row.state === 'rolling-back') return { kind: 'step', step: row.step ?? 'rollback-route', state: 'rolling-back' };
  if (row.state !== 'rolling') return null;
  const step = (row.step ?? 'lock') as ForwardStep;
  if (isRollbackStep(step)) return { kind: 'step', step, state: 'rolling-back' };
  // Nothing was touched before the lock step finished; it picks the old container itself.
  if (step === 'lock') return { kind: 'step', step, state: 'rolling' };
  if (isPastNoReturn(step, unsafe)) return { kind: 'step', step, state: 'rolling' };
  const order = forwardSteps(unsafe);
  const at = order.indexOf(step);
  const started = at > order.indexOf('start-new');
  if (!observed.oldRunning) {
    // The old container died meanwhile. A ready new one can take over; without one there is
    // nothing to roll, and the reconciler restores the tenant from its desired state.
    if (started && observed.newRunning) {
      const handOver = order.find((s) => s === 'route-new' || s === 'stop-old')!;
      return { kind: 'step', step: order.indexOf(handOver) > at ? handOver : step, state: 'rolling' };
    }
    return { kind: 'finish', state: 'failed', reason: 'no running container left during the rollout; the reconciler restores it', commitDesired: false };
  }
  if (started && !observed.newRunning) {
    return { kind: 'step', step: rollbackEntry(step, unsafe), state: 'rolling-back', reason: 'the new container stopped while the control plane was down' };
  }
  return { kind: 'step', step, state: 'rolling' };
}
