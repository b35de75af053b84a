// plan(desired, observed) → lanes of actions. Pure and level-triggered: it looks only at
// what is (tenants in SQLite, containers and volumes in Docker, route files, readiness) and
// says what to do next; running it again after a crash gives the remaining steps.
import type { Config } from '../config.js';
import type { ManagedContainer, ManagedVolume } from '../docker/types.js';
import { parseRoute, renderRoute } from '../edge/route-text.js';
import type { ReadinessView } from '../probe/prober.js';
import { containerSpecFor, tenantLabels, volumeNameFor, type SpecConfig } from '../tenants/container-spec.js';
import { LABEL } from '../tenants/labels.js';
import { routeFor, serversOf } from '../tenants/route.js';
import type { Tenant } from '../tenants/tenant.js';
import type { Action, Lane } from './actions.js';
import { planSleepingTenant } from './plan-hibernation.js';
import { containersOf, isTenantContainer, sortTenantContainers, type TenantContainers } from './tenant-containers.js';

export type PlanConfig = SpecConfig & Pick<Config, 'domain' | 'volumeRetentionHours' | 'rolloutParallel'>;

export interface Observed {
  readonly containers: readonly ManagedContainer[];
  readonly volumes: readonly ManagedVolume[];
  /** Text of each tenant route file, by slug. */
  readonly routes: ReadonlyMap<string, string>;
  /** Route text Traefik's API confirmed, by slug (in memory; empty after a restart). */
  readonly confirmedRoutes: ReadonlyMap<string, string>;
  readonly readiness: (containerId: string) => ReadinessView;
}

export interface PlanInput {
  readonly tenants: readonly Tenant[];
  readonly observed: Observed;
  /** Tenants another actor (a rollout) owns right now: the reconciler leaves them alone. */
  readonly held: ReadonlySet<number>;
  readonly now: number;
  readonly config: PlanConfig;
  /**
   * A quick pass (reconciler.ts): `tenants` and `observed` cover only some tenants, so nothing
   * that needs the whole picture is planned: no drift replacement (its bound counts every
   * tenant's), and no orphans (nothing outside those tenants was looked at).
   */
  readonly partial?: boolean;
}

export function plan(input: PlanInput): Lane[] {
  const { tenants, observed, held, config } = input;
  const lanes: Lane[] = [];
  const ids = new Set(tenants.map((t) => String(t.id)));
  const volumes = volumesByName(observed.volumes);
  const live = tenants.filter((t) => t.desiredState === 'running' && !held.has(t.id) && !t.asleep);

  // Drift replacement overlaps old and new containers: bound how many run at once.
  const views = new Map(live.map((t) => [t.id, sortTenantContainers(containerSpecFor(t, config), containersOf(t.id, observed.containers), observed.readiness, routedServers(observed, t.slug))]));
  const replacing = [...views.values()].filter((v) => v.keeper !== null && !v.keeperReady && v.serving.length > 0).length;
  let replaceBudget = input.partial ? 0 : Math.max(0, config.rolloutParallel - replacing);

  for (const tenant of live) {
    const view = views.get(tenant.id)!;
    if (volumeConflict(tenant, volumes, config)) continue;
    // A tenant with nothing serving (new, or crashed) is never made to wait for the budget.
    const isReplacement = view.keeper === null && view.serving.length > 0;
    const mayRun = !isReplacement || replaceBudget > 0;
    if (isReplacement && mayRun) replaceBudget--;
    const actions = planLiveTenant(tenant, view, volumes, observed, config, mayRun);
    if (actions.length > 0) lanes.push({ key: `tenant:${tenant.id}`, tenantId: tenant.id, actions });
  }

  // Hibernated tenants: no start, no route (plan-hibernation.ts).
  for (const tenant of tenants) {
    if (tenant.desiredState !== 'running' || !tenant.asleep || held.has(tenant.id)) continue;
    const actions = planSleepingTenant(tenant, observed, config, volumes);
    if (actions.length > 0) lanes.push({ key: `tenant:${tenant.id}`, tenantId: tenant.id, actions });
  }

  for (const tenant of tenants) {
    if (tenant.desiredState !== 'deleted' || held.has(tenant.id)) continue;
    const actions = planDeletedTenant(tenant, volumes, observed, input.now, config);
    if (actions.length > 0) lanes.push({ key: `tenant:${tenant.id}`, tenantId: tenant.id, actions });
  }

  if (input.partial) return lanes;
  // Ours by label but no tenant row at all: created by a pass that crashed, or a tenant row
  // removed by hand. Volumes are never removed this way: only an explicit, logged deletion does.
  for (const c of observed.containers) {
    if (!isTenantContainer(c) || ids.has(c.labels[LABEL.tenantId] ?? '')) continue;
    lanes.push({ key: `container:${c.id}`, tenantId: null, actions: [{ kind: 'remove-container', slug: c.labels[LABEL.tenant] ?? null, containerId: c.id, name: c.name, reason: 'orphan: no such tenant' }] });
  }
  const slugs = new Set(tenants.map((t) => t.slug));
  for (const slug of observed.routes.keys()) {
    if (!slugs.has(slug)) lanes.push({ key: `route:${slug}`, tenantId: null, actions: [{ kind: 'remove-route', slug, reason: 'orphan: no such tenant' }] });
  }
  return lanes;
}

const volumeIndexes = new WeakMap<readonly ManagedVolume[], Map<string, ManagedVolume>>();

/** The observed volumes by name, indexed once per observed list. */
export function volumesByName(volumes: readonly ManagedVolume[]): ReadonlyMap<string, ManagedVolume> {
  let index = volumeIndexes.get(volumes);
  if (!index) volumeIndexes.set(volumes, (index = new Map(volumes.map((v) => [v.name, v]))));
  return index;
}

/** Server URLs the tenant's current route file lists (what Traefik is serving now). */
function routedServers(observed: Observed, slug: string): Set<string> {
  const text = observed.routes.get(slug);
  const doc = text === undefined ? null : parseRoute(text);
  return new Set(doc ? serversOf(doc, slug) : []);
}

/** A volume with the tenant's name that carries another tenant's id is never adopted. */
export function volumeConflict(tenant: Tenant, volumes: ReadonlyMap<string, ManagedVolume>, config: Pick<Config, 'instance'>): boolean {
  const vol = volumes.get(volumeNameFor(tenant, config));
  return vol !== undefined && vol.labels[LABEL.tenantId] !== String(tenant.id);
}

function planLiveTenant(
  tenant: Tenant,
  view: TenantContainers,
  volumes: ReadonlyMap<string, ManagedVolume>,
  observed: Observed,
  config: PlanConfig,
  mayRun: boolean,
): Action[] {
  const actions: Action[] = [];
  const slug = tenant.slug;
  const volume = volumeNameFor(tenant, config);
  if (!volumes.has(volume)) actions.push({ kind: 'ensure-volume', slug, name: volume, labels: { ...tenantLabels(tenant, config), [LABEL.role]: 'data' } });
  const current = observed.routes.get(slug);
  const firstRoute = current === undefined && view.servers.length === 0;
  if (view.keeper === null && mayRun) actions.push({ kind: 'run-container', slug, spec: containerSpecFor(tenant, config), firstRoute });
  else if (view.keeper && (view.keeper.state === 'created' || view.keeper.state === 'exited')) {
    actions.push({ kind: 'start-container', slug, containerId: view.keeper.id, firstRoute });
  }

  // A tenant that never had a route gets its first one with its first ready server: an empty
  // route before that would cost Traefik a reload and, inside its throttle window, delay the
  // one that matters. Once a route exists it stays (empty when nothing is ready: 503, F6).
  const doc = routeFor(tenant, view.servers, config);
  const text = renderRoute(doc);
  const routed = current !== undefined || view.servers.length > 0;
  if (routed && current !== text) actions.push({ kind: 'write-route', slug, doc, text, servers: view.servers });
  else if (routed && observed.confirmedRoutes.get(slug) !== text) actions.push({ kind: 'confirm-route', slug, text, servers: view.servers });

  // Only containers the (just confirmed) route no longer lists; a stale one that still serves
  // stays until the keeper is ready.
  for (const c of view.others) {
    if (view.serving.includes(c) || c.state === 'removing') continue;
    const reason = c.labels[LABEL.specHash] === view.hash ? 'duplicate container' : `replaced (spec ${c.labels[LABEL.specHash]} → ${view.hash})`;
    actions.push({ kind: 'remove-container', slug, containerId: c.id, name: c.name, reason });
  }
  return actions;
}

function planDeletedTenant(tenant: Tenant, volumes: ReadonlyMap<string, ManagedVolume>, observed: Observed, now: number, config: PlanConfig): Action[] {
  const actions: Action[] = [];
  if (observed.routes.has(tenant.slug)) actions.push({ kind: 'remove-route', slug: tenant.slug, reason: 'tenant deleted' });
  for (const c of containersOf(tenant.id, observed.containers)) {
    if (c.state !== 'removing') actions.push({ kind: 'remove-container', slug: tenant.slug, containerId: c.id, name: c.name, reason: 'tenant deleted' });
  }
  const due = purgeDueAt(tenant, config);
  const volume = volumes.get(volumeNameFor(tenant, config));
  const owned = volume !== undefined && volume.labels[LABEL.tenantId] === String(tenant.id);
  if (tenant.volumePurgedAt === null && due !== null && now >= due && (owned || volume === undefined)) {
    actions.push({ kind: 'purge-volume', tenantId: tenant.id, slug: tenant.slug, name: volumeNameFor(tenant, config) });
  }
  return actions;
}

/** When a deleted tenant's volume may go: the recorded time, else deletion + retention; never without a deletion time. */
export function purgeDueAt(tenant: Tenant, config: Pick<Config, 'volumeRetentionHours'>): number | null {
  if (tenant.purgeVolumeAfter !== null) return tenant.purgeVolumeAfter;
  return tenant.deletedAt === null ? null : tenant.deletedAt + config.volumeRetentionHours * 3600_000;
}
