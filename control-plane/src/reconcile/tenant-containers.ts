// One tenant's containers sorted into what matters for decisions: the keeper (the container
// with the desired spec that should serve), the others (duplicates and stale specs), and
// which ready containers the route should list right now. Pure.
import type { ManagedContainer } from '../docker/types.js';
import type { ReadinessView } from '../probe/prober.js';
import type { ContainerSpec } from '../tenants/container-spec.js';
import { LABEL } from '../tenants/labels.js';
import { serverUrlFor } from '../tenants/route.js';

export interface TenantContainers {
  readonly hash: string;
  readonly keeper: ManagedContainer | null;
  readonly keeperReady: boolean;
  /** Every other container of the tenant: same-spec duplicates and drifted/older ones. */
  readonly others: readonly ManagedContainer[];
  /** Ready containers the route lists: the keeper once ready, else ready others (they keep serving until it is). */
  readonly serving: readonly ManagedContainer[];
  readonly servers: readonly string[];
}

const RANK: Record<ManagedContainer['state'], number> = { running: 1, restarting: 2, created: 3, exited: 4, paused: 5, removing: 9, dead: 9 };

export function isTenantContainer(c: ManagedContainer): boolean {
  return c.labels[LABEL.role] === 'tenant';
}

// One index per observed list (a pass observes once, then asks per tenant): keeps a pass at
// 200 tenants linear instead of scanning every container for every tenant.
const indexes = new WeakMap<readonly ManagedContainer[], Map<string, ManagedContainer[]>>();

export function containersOf(tenantId: number, containers: readonly ManagedContainer[]): readonly ManagedContainer[] {
  let index = indexes.get(containers);
  if (!index) {
    index = new Map();
    for (const c of containers) {
      if (!isTenantContainer(c)) continue;
      const key = c.labels[LABEL.tenantId] ?? '';
      index.set(key, [...(index.get(key) ?? []), c]);
    }
    indexes.set(containers, index);
  }
  return index.get(String(tenantId)) ?? [];
}

export function isReady(c: ManagedContainer, readiness: (id: string) => ReadinessView): boolean {
  return c.state === 'running' && c.ip !== null && readiness(c.id).state === 'ready';
}

/**
 * Ready, or not probed yet while the current route already lists it. After a control-plane
 * restart the prober knows nothing; treating every routed container as gone until its first
 * probe would write empty routes (503s) for a moment. A probe failure still removes it.
 */
function isServing(c: ManagedContainer, readiness: (id: string) => ReadinessView, routed: ReadonlySet<string>): boolean {
  if (isReady(c, readiness)) return true;
  return c.state === 'running' && c.ip !== null && readiness(c.id).state === 'unknown' && routed.has(serverUrlFor(c.ip));
}

export function sortTenantContainers(
  spec: ContainerSpec,
  mine: readonly ManagedContainer[],
  readiness: (id: string) => ReadinessView,
  routedServers: ReadonlySet<string> = new Set(),
): TenantContainers {
  const hash = spec.labels[LABEL.specHash]!;
  // Probed-ready ranks first; a routed container not probed yet may serve but never outranks it.
  const ready = (c: ManagedContainer) => isServing(c, readiness, routedServers);
  const rank = (c: ManagedContainer) => (isReady(c, readiness) ? 0 : RANK[c.state]);
  const candidates = mine
    .filter((c) => c.labels[LABEL.specHash] === hash && RANK[c.state] < 9)
    .sort((a, b) => rank(a) - rank(b) || b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  const keeper = candidates[0] ?? null;
  const keeperReady = keeper !== null && ready(keeper);
  const others = mine.filter((c) => c !== keeper);
  const serving = keeperReady ? [keeper!] : others.filter(ready);
  return { hash, keeper, keeperReady, others, serving, servers: serving.map((c) => serverUrlFor(c.ip!)).sort() };
}
