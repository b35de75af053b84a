// Rollouts as the API, the CLI and the admin page show them, built from the stored rows and
// events (pure). Times are unix milliseconds.
import type { Db } from '../db/open-database.js';
import { imageVersionOf } from '../tenants/tenant.js';
import { eventsAfter, listRolloutTenants } from './rollout-store.js';
import type { Rollout, RolloutEvent, RolloutTenant, RolloutTenantState } from './rollout-types.js';

export interface RolloutCounts {
  readonly total: number;
  readonly pending: number;
  readonly rolling: number;
  readonly done: number;
  readonly rolledBack: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface StepTiming {
  readonly step: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly outcome: 'running' | 'ok' | 'failed';
  readonly detail: string | null;
}

export interface RolloutSummary extends Omit<Rollout, 'selection'> {
  readonly selection: readonly string[] | null;
  readonly counts: RolloutCounts;
}

export interface RolloutTenantView {
  readonly slug: string;
  readonly canary: boolean;
  readonly state: RolloutTenantState;
  readonly step: string | null;
  readonly reason: string | null;
  readonly fromImage: string | null;
  readonly fromGeneration: number | null;
  readonly toGeneration: number | null;
  readonly oldContainer: string | null;
  readonly newContainer: string | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly steps: readonly StepTiming[];
}

export function countTenants(tenants: readonly Pick<RolloutTenant, 'state'>[]): RolloutCounts {
  const n = (...states: RolloutTenantState[]) => tenants.filter((t) => states.includes(t.state)).length;
  return {
    total: tenants.length, pending: n('pending'), rolling: n('rolling', 'rolling-back'), done: n('done'), rolledBack: n('rolled-back'),
    failed: n('failed'), skipped: n('skipped'),
  };
}

export function summarizeRollout(db: Db, rollout: Rollout): RolloutSummary {
  return { ...rollout, counts: countTenants(listRolloutTenants(db, rollout.id)) };
}

/** Step start/end pairs of one tenant, in the order they ran (a retried step appears once per attempt). */
export function stepTimings(events: readonly RolloutEvent[]): StepTiming[] {
  const out: StepTiming[] = [];
  const open = new Map<string, number>();
  for (const e of events) {
    if (e.phase === 'start') {
      open.set(e.step, out.length);
      out.push({ step: e.step, startedAt: e.at, endedAt: null, outcome: 'running', detail: null });
    } else if (e.phase === 'end' || e.phase === 'fail') {
      const i = open.get(e.step);
      if (i === undefined) continue;
      open.delete(e.step);
      out[i] = { ...out[i]!, endedAt: e.at, outcome: e.phase === 'end' ? 'ok' : 'failed', detail: e.detail };
    }
  }
  return out;
}

/** withSteps=false skips reading the event log (live progress only needs states). */
export function rolloutTenantViews(db: Db, rolloutId: number, withSteps = true): RolloutTenantView[] {
  const events = withSteps ? allEvents(db, rolloutId) : [];
  return listRolloutTenants(db, rolloutId).map((t) => ({
    slug: t.slug, canary: t.canary, state: t.state, step: t.step, reason: t.reason, fromImage: t.fromImage, fromGeneration: t.fromGeneration,
    toGeneration: t.toGeneration, oldContainer: t.oldContainerId?.slice(0, 12) ?? null, newContainer: t.newContainerId?.slice(0, 12) ?? null,
    startedAt: t.startedAt, finishedAt: t.finishedAt, steps: stepTimings(events.filter((e) => e.slug === t.slug)),
  }));
}

export function allEvents(db: Db, rolloutId: number): RolloutEvent[] {
  const out: RolloutEvent[] = [];
  for (let batch = eventsAfter(db, rolloutId, 0, 1000); batch.length > 0; batch = eventsAfter(db, rolloutId, batch[batch.length - 1]!.id, 1000)) {
    out.push(...batch);
  }
  return out;
}

/** One line for a tenant, as the CLI and the page print it. */
export function describeTenant(t: Pick<RolloutTenantView, 'slug' | 'state' | 'step' | 'reason' | 'fromImage'>, image: string): string {
  const arrow = `${t.fromImage ? imageVersionOf(t.fromImage) : '?'} → ${imageVersionOf(image)}`;
  switch (t.state) {
    case 'pending': return `${t.slug}: waiting`;
    case 'rolling': return `${t.slug}: ${arrow} · ${t.step ?? 'starting'}`;
    case 'rolling-back': return `${t.slug}: rolling back (${t.reason ?? 'failed'}) · ${t.step ?? ''}`;
    case 'done': return `${t.slug}: ${arrow} done`;
    case 'rolled-back': return `${t.slug}: rolled back, still on ${t.fromImage ? imageVersionOf(t.fromImage) : 'the old image'}: ${t.reason ?? ''}`;
    case 'failed': return `${t.slug}: FAILED: ${t.reason ?? ''}`;
    case 'skipped': return `${t.slug}: skipped (${t.reason ?? ''})`;
  }
}
