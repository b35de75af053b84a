// What pages and the API show for each tenant (tenant_status), derived from the same view
// the planner uses. Pure.
import type { Config } from '../config.js';
import { renderRoute } from '../edge/route-text.js';
import { containerSpecFor, volumeNameFor } from '../tenants/container-spec.js';
import { routeFor } from '../tenants/route.js';
import type { Tenant } from '../tenants/tenant.js';
import { isHibernated } from './plan-hibernation.js';
import { purgeDueAt, volumeConflict, volumesByName, type Observed, type PlanConfig } from './plan.js';
import { containersOf, sortTenantContainers } from './tenant-containers.js';

export type TenantState = 'creating' | 'starting' | 'running' | 'unhealthy' | 'deleting' | 'deleted' | 'error' | 'hibernating' | 'hibernated' | 'waking';

export interface TenantStatus {
  readonly state: TenantState;
  readonly detail: string | null;
  readonly containerId: string | null;
  readonly image: string | null;
  readonly readyAt: number | null;
}

export interface LaneFailure {
  readonly attempts: number;
  readonly message: string;
}

/** Lane failures this many times in a row turn the tenant's state to error (it keeps retrying). */
export const ERROR_AFTER_ATTEMPTS = 3;

export function statusFor(tenant: Tenant, observed: Observed, failure: LaneFailure | undefined, config: PlanConfig & Pick<Config, 'instance'>): TenantStatus {
  const none = { containerId: null, image: null, readyAt: null };
  const retrying = failure ? `retrying after: ${failure.message}` : null;
  if (tenant.desiredState === 'deleted') {
    const left = containersOf(tenant.id, observed.containers).length > 0 || observed.routes.has(tenant.slug);
    if (left) return { state: 'deleting', detail: retrying, ...none };
    const due = purgeDueAt(tenant, config);
    const volume = volumeNameFor(tenant, config);
    const detail = tenant.volumePurgedAt !== null
      ? `volume ${volume} removed`
      : due === null ? `volume ${volume} kept` : `volume ${volume} kept until ${new Date(due).toISOString()}`;
    return { state: 'deleted', detail, ...none };
  }
  if (volumeConflict(tenant, volumesByName(observed.volumes), config)) {
    return { state: 'error', detail: `volume ${volumeNameFor(tenant, config)} belongs to another tenant; left alone`, ...none };
  }
  if (failure && failure.attempts >= ERROR_AFTER_ATTEMPTS) return { state: 'error', detail: failure.message, ...none };
  if (tenant.asleep) {
    if (!isHibernated(tenant, observed)) return { state: 'hibernating', detail: retrying ?? 'leaving the route, then stopping its container', ...none };
    const since = tenant.asleepChangedAt === null ? null : `asleep since ${new Date(tenant.asleepChangedAt).toISOString()}`;
    return { state: 'hibernated', detail: retrying ?? since, ...none };
  }
  const status = awakeStatus(tenant, observed, retrying, config);
  // Woken once (asleepChangedAt set) and not serving yet: the start is a wake.
  return tenant.asleepChangedAt !== null && (status.state === 'starting' || status.state === 'creating') ? { ...status, state: 'waking' } : status;
}

function awakeStatus(tenant: Tenant, observed: Observed, retrying: string | null, config: PlanConfig & Pick<Config, 'instance'>): TenantStatus {
  const none = { containerId: null, image: null, readyAt: null };

  const view = sortTenantContainers(containerSpecFor(tenant, config), containersOf(tenant.id, observed.containers), observed.readiness);
  const { keeper } = view;
  if (keeper === null) {
    return view.serving.length > 0
      ? { state: 'running', detail: retrying ?? 'replacing the container', containerId: view.serving[0]!.id, image: view.serving[0]!.image, readyAt: null }
      : { state: 'creating', detail: retrying, ...none };
  }
  const base = { containerId: keeper.id, image: keeper.image };
  const readiness = observed.readiness(keeper.id);
  if (view.keeperReady) {
    const text = renderRoute(routeFor(tenant, view.servers, config));
    const live = observed.routes.get(tenant.slug) === text && observed.confirmedRoutes.get(tenant.slug) === text;
    return live
      ? { state: 'running', detail: retrying, ...base, readyAt: readiness.since }
      : { state: 'starting', detail: retrying ?? 'waiting for Traefik to apply the route', ...base, readyAt: null };
  }
  if (view.serving.length > 0) return { state: 'running', detail: retrying ?? 'new container starting', ...base, readyAt: null };
  if (keeper.state === 'restarting') return { state: 'unhealthy', detail: 'restarting after its process exited', ...base, readyAt: null };
  if (readiness.state === 'not-ready') return { state: 'unhealthy', detail: readiness.detail, ...base, readyAt: null };
  return { state: 'starting', detail: retrying ?? `container ${keeper.state}`, ...base, readyAt: null };
}
