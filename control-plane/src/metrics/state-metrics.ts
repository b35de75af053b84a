// The metrics that are facts in SQLite rather than events: refilled from the database at each
// scrape, so they are right after a restart and never keep a deleted tenant's series.
import type { Db } from '../db/open-database.js';
import type { TenantState } from '../reconcile/status.js';
import { listAdminTenants } from '../rollout/admin-tenant-list.js';
import { activeRollouts, listRollouts } from '../rollout/rollout-store.js';
import { summarizeRollout } from '../rollout/rollout-views.js';
import { instanceCpuCores, instanceDiskBytes, instanceMemoryBytes, instancesByState, rolloutsActive, rolloutTenants } from './registry.js';
import { latestSamples } from './resource-history.js';
import { refreshLeaseMetrics } from '../lease/lease-metrics.js';

/** Every state a tenant can show, so each has a series (at 0) whether or not a tenant is in it. */
const STATES: readonly (TenantState | 'rolling' | 'unknown')[] = ['creating', 'starting', 'running', 'unhealthy', 'error', 'rolling', 'deleting', 'deleted', 'hibernating', 'hibernated', 'waking', 'unknown'];

export interface StateMetricsOptions {
  /** Samples older than this are stale (the sampler is behind or the instance stopped): not shown. */
  readonly sampleMaxAgeMs: number;
}

export function refreshStateMetrics(db: Db, now: number, opts: StateMetricsOptions): void {
  instancesByState.reset();
  for (const state of STATES) instancesByState.set(0, { state });
  for (const t of listAdminTenants(db)) instancesByState.inc({ state: t.state });

  const active = activeRollouts(db);
  rolloutsActive.set(active.length);
  rolloutTenants.reset();
  // The latest finished rollout too, so its final counts are scraped at least once after it ends.
  const latest = listRollouts(db, 1)[0];
  const shown = latest && !active.some((r) => r.id === latest.id) ? [...active, latest] : active;
  for (const r of shown) {
    const c = summarizeRollout(db, r).counts;
    const counts = { pending: c.pending, rolling: c.rolling, done: c.done, rolled_back: c.rolledBack, failed: c.failed, skipped: c.skipped };
    for (const [state, n] of Object.entries(counts)) rolloutTenants.set(n, { rollout: r.id, state });
  }

  for (const g of [instanceCpuCores, instanceMemoryBytes, instanceDiskBytes]) g.reset();
  for (const [tenant, s] of latestSamples(db, now - opts.sampleMaxAgeMs)) {
    if (s.cpuCores !== null) instanceCpuCores.set(s.cpuCores, { tenant });
    if (s.memoryBytes !== null) instanceMemoryBytes.set(s.memoryBytes, { tenant });
    if (s.diskBytes !== null) instanceDiskBytes.set(s.diskBytes, { tenant });
  }
  refreshLeaseMetrics(db);
}
