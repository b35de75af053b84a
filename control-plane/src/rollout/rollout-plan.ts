// Rollout-level decisions as one pure function of the persisted rows: which tenants start
// next (canary first, bounded parallelism), and what the rollout's state is. The runner calls
// it after every tenant finishes and acts on the answer; a restart calls it the same way.
import { FINISHED_TENANT_STATES, HOLDS_LOCK, type RolloutState, type RolloutTenantState } from './rollout-types.js';

export interface PlanRollout {
  readonly state: RolloutState;
  readonly parallel: number;
  readonly cancelRequested: boolean;
}

export interface PlanTenant {
  readonly tenantId: number;
  readonly slug: string;
  readonly position: number;
  readonly canary: boolean;
  readonly state: RolloutTenantState;
  readonly reason: string | null;
}

export interface RolloutPlan {
  readonly state: RolloutState;
  /** Tenants to start now, in order. */
  readonly start: readonly number[];
  /** Pending tenants that will never start (canary failed, cancelled), with the reason. */
  readonly skip: readonly number[];
  readonly skipReason: string | null;
  /** Set when the state is final. */
  readonly error: string | null;
}

const isFinished = (t: PlanTenant) => FINISHED_TENANT_STATES.includes(t.state);
const notRolled = (t: PlanTenant) => t.state === 'rolled-back' || t.state === 'failed';

export function planRollout(rollout: PlanRollout, tenants: readonly PlanTenant[]): RolloutPlan {
  if (rollout.state === 'done' || rollout.state === 'failed' || rollout.state === 'cancelled') {
    return { state: rollout.state, start: [], skip: [], skipReason: null, error: null };
  }
  const ordered = [...tenants].sort((a, b) => a.position - b.position);
  const busy = ordered.filter((t) => HOLDS_LOCK.includes(t.state)).length;
  const pending = ordered.filter((t) => t.state === 'pending');
  const canaries = ordered.filter((t) => t.canary);
  const failedCanary = canaries.find(notRolled);

  // Stopping: let tenants in flight finish (or undo), start nobody new.
  const stopReason = rollout.cancelRequested
    ? 'rollout cancelled before this tenant started'
    : failedCanary
      ? `canary ${failedCanary.slug} was not rolled, so the rollout stopped`
      : null;
  if (stopReason) {
    const state: RolloutState = rollout.cancelRequested ? 'cancelled' : 'failed';
    const error = failedCanary && !rollout.cancelRequested ? `canary ${failedCanary.slug} failed: ${failedCanary.reason ?? 'unknown reason'}` : null;
    if (busy > 0) return { state: rollout.state === 'pending' ? 'canary' : rollout.state, start: [], skip: pending.map((t) => t.tenantId), skipReason: stopReason, error: null };
    return { state, start: [], skip: pending.map((t) => t.tenantId), skipReason: stopReason, error };
  }

  const canaryOpen = canaries.some((t) => !isFinished(t));
  const phase: RolloutState = canaryOpen ? 'canary' : 'running';
  const eligible = pending.filter((t) => (canaryOpen ? t.canary : true));
  const slots = Math.max(0, rollout.parallel - busy);
  const start = eligible.slice(0, slots).map((t) => t.tenantId);
  if (busy === 0 && start.length === 0 && pending.length === 0) {
    const missed = ordered.filter(notRolled);
    const error = missed.length === 0
      ? null
      : `${missed.length} of ${ordered.length} tenants not rolled: ${missed.map((t) => `${t.slug} (${t.reason ?? 'no reason recorded'})`).join('; ')}`;
    return { state: missed.length === 0 ? 'done' : 'failed', start: [], skip: [], skipReason: null, error };
  }
  return { state: phase, start, skip: [], skipReason: null, error: null };
}
