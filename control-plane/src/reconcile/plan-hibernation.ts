// plan() for a tenant desired asleep (hibernated): it leaves Traefik's configuration first
// (the route file goes and Traefik's API confirms the router is gone), then its container is
// stopped through its graceful path and kept, with its volume, for the wake. A sleeper with no
// container of its desired spec (a rollout replaced it while asleep) gets one created, not
// started, so that every wake is a `docker start`. Pure.
import type { ManagedContainer, ManagedVolume } from '../docker/types.js';
import type { ReadinessView } from '../probe/prober.js';
import { containerSpecFor, tenantLabels, volumeNameFor, type SpecConfig } from '../tenants/container-spec.js';
import { LABEL } from '../tenants/labels.js';
import type { Tenant } from '../tenants/tenant.js';
import type { Action } from './actions.js';
import { containersOf, sortTenantContainers } from './tenant-containers.js';

/** The part of plan()'s Observed a sleeper's plan reads. */
export interface SleeperObserved {
  readonly containers: readonly ManagedContainer[];
  readonly volumes: readonly ManagedVolume[];
  /** Text of each tenant route file, by slug. */
  readonly routes: ReadonlyMap<string, string>;
  readonly readiness: (containerId: string) => ReadinessView;
}

const RUNS: ReadonlySet<ManagedContainer['state']> = new Set(['running', 'restarting', 'paused']);

/**
 * Nothing is started and no route is written. The container with the desired spec is stopped
 * and kept (a wake is then a `docker start`); any other container (an older spec a rollout
 * replaced while the tenant slept, a duplicate) is removed, so the wake runs the desired image;
 * without one, it is created stopped (its volume first, if missing, carrying its labels).
 * `volumes` indexes observed.volumes by name (plan.ts builds it once per pass).
 */
export function planSleepingTenant(tenant: Tenant, observed: SleeperObserved, config: SpecConfig, volumes: ReadonlyMap<string, ManagedVolume>): Action[] {
  const slug = tenant.slug;
  const mine = containersOf(tenant.id, observed.containers);
  const spec = containerSpecFor(tenant, config);
  const view = sortTenantContainers(spec, mine, observed.readiness);
  const actions: Action[] = [];
  // Also with no file left but something still running: a crash may have come between the
  // unlink and Traefik's confirmation, and a container leaves the route before it stops.
  if (observed.routes.has(slug) || mine.some((c) => RUNS.has(c.state))) {
    actions.push({ kind: 'remove-route', slug, reason: 'hibernating', confirmGone: true });
  }
  if (view.keeper && RUNS.has(view.keeper.state)) {
    actions.push({ kind: 'stop-container', slug, containerId: view.keeper.id, name: view.keeper.name, reason: 'hibernating' });
  }
  for (const c of view.others) {
    if (c.state === 'removing') continue;
    const reason = c.labels[LABEL.specHash] === view.hash ? 'duplicate container' : `replaced while asleep (spec ${c.labels[LABEL.specHash]} → ${view.hash})`;
    actions.push({ kind: 'remove-container', slug, containerId: c.id, name: c.name, reason });
  }
  if (view.keeper === null) {
    const volume = volumes.get(volumeNameFor(tenant, config));
    // Another tenant's volume under this name is never adopted (plan.ts's volumeConflict).
    if (volume && volume.labels[LABEL.tenantId] !== String(tenant.id)) return actions;
    // The volume is ensured inside the bounded step: thousands of sleepers must not each send
    // Docker a volume request at once.
    const ensure = volume ? undefined : { name: volumeNameFor(tenant, config), labels: { ...tenantLabels(tenant, config), [LABEL.role]: 'data' } };
    actions.push({ kind: 'create-container', slug, spec, ...(ensure && { volume: ensure }) });
  }
  return actions;
}

/** A sleeping tenant has converged: no route file and no container running. */
export function isHibernated(tenant: Tenant, observed: SleeperObserved): boolean {
  return !observed.routes.has(tenant.slug) && !containersOf(tenant.id, observed.containers).some((c) => RUNS.has(c.state));
}
