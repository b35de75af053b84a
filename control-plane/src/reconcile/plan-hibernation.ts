// plan() for a tenant desired asleep (hibernated): it leaves Traefik's configuration first
// (the route file goes and Traefik's API confirms the router is gone), then its container is
// stopped through its graceful path and kept, with its volume, for the wake. Pure.
import type { ManagedContainer } from '../docker/types.js';
import type { ReadinessView } from '../probe/prober.js';
import { containerSpecFor, type SpecConfig } from '../tenants/container-spec.js';
import { LABEL } from '../tenants/labels.js';
import type { Tenant } from '../tenants/tenant.js';
import type { Action } from './actions.js';
import { containersOf, sortTenantContainers } from './tenant-containers.js';

/** The part of plan()'s Observed a sleeper's plan reads. */
export interface SleeperObserved {
  readonly containers: readonly ManagedContainer[];
  /** Text of each tenant route file, by slug. */
  readonly routes: ReadonlyMap<string, string>;
  readonly readiness: (containerId: string) => ReadinessView;
}

const RUNS: ReadonlySet<ManagedContainer['state']> = new Set(['running', 'restarting', 'paused']);

/**
 * Nothing is started and no route is written. The container with the desired spec is stopped
 * and kept (a wake is then a `docker start`); any other container (an older spec a rollout
 * replaced while the tenant slept, a duplicate) is removed, so the wake runs the desired image.
 */
export function planSleepingTenant(tenant: Tenant, observed: SleeperObserved, config: SpecConfig): Action[] {
  const slug = tenant.slug;
  const mine = containersOf(tenant.id, observed.containers);
  const view = sortTenantContainers(containerSpecFor(tenant, config), mine, observed.readiness);
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
  return actions;
}

/** A sleeping tenant has converged: no route file and no container running. */
export function isHibernated(tenant: Tenant, observed: SleeperObserved): boolean {
  return !observed.routes.has(tenant.slug) && !containersOf(tenant.id, observed.containers).some((c) => RUNS.has(c.state));
}
