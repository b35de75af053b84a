import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedContainer, ManagedVolume } from '../../../src/docker/types.js';
import { renderRoute } from '../../../src/edge/route-text.js';
import type { Action, Lane } from '../../../src/reconcile/actions.js';
import { plan, type Observed } from '../../../src/reconcile/plan.js';
import { volumeNameFor } from '../../../src/tenants/container-spec.js';
import { LABEL } from '../../../src/tenants/labels.js';
import { routeFor, serverUrlFor } from '../../../src/tenants/route.js';
import type { Tenant } from '../../../src/tenants/tenant.js';
import { config, containerOf, tenant } from '../tenants/fixtures.js';

const NOW = 10_000_000;

function volumeOf(t: Tenant, tenantId = t.id): ManagedVolume {
  return { name: volumeNameFor(t, config), labels: { [LABEL.instance]: 'unit', [LABEL.tenantId]: String(tenantId), [LABEL.role]: 'data' } };
}

interface World {
  tenants: Tenant[];
  containers?: ManagedContainer[];
  volumes?: ManagedVolume[];
  /** slug → ready server URLs the route file lists (written exactly as routeFor renders it). */
  routes?: Record<string, string[]>;
  confirmed?: string[];
  ready?: ManagedContainer[];
  /** Probed and failing (the rest of the unlisted containers are not probed yet: 'unknown'). */
  notReady?: ManagedContainer[];
  held?: number[];
  parallel?: number;
  partial?: boolean;
}

function run(w: World): Lane[] {
  const byslug = new Map(w.tenants.map((t) => [t.slug, t]));
  const routes = new Map(
    Object.entries(w.routes ?? {}).map(([slug, urls]) => [slug, renderRoute(routeFor(byslug.get(slug) ?? tenant({ slug }), urls, config))]),
  );
  const readySet = new Set((w.ready ?? []).map((c) => c.id));
  const notReadySet = new Set((w.notReady ?? []).map((c) => c.id));
  const observed: Observed = {
    containers: w.containers ?? [],
    volumes: w.volumes ?? [],
    routes,
    confirmedRoutes: new Map((w.confirmed ?? []).map((slug) => [slug, routes.get(slug)!])),
    readiness: (id) => ({ state: readySet.has(id) ? 'ready' : notReadySet.has(id) ? 'not-ready' : 'unknown', since: 0, detail: '' }),
  };
  return plan({ tenants: w.tenants, observed, held: new Set(w.held ?? []), now: NOW, config: { ...config, rolloutParallel: w.parallel ?? 2 }, partial: w.partial });
}

/** A lane as "kind kind kind" with the interesting argument, for readable expectations. */
function summary(lanes: Lane[]): Record<string, string[]> {
  const say = (a: Action): string => {
    switch (a.kind) {
      case 'run-container': return `run ${a.spec.namePrefix}`;
      case 'write-route': return `route [${a.servers.join(' ')}]`;
      case 'confirm-route': return `confirm [${a.servers.join(' ')}]`;
      case 'remove-container': return `remove ${a.containerId}`;
      case 'start-container': return `start ${a.containerId}`;
      case 'ensure-volume': return `volume ${a.name}`;
      case 'remove-route': return `unroute ${a.slug}`;
      case 'purge-volume': return `purge ${a.name}`;
    }
  };
  return Object.fromEntries(lanes.map((l) => [l.key, l.actions.map(say)]));
}

const acme = tenant();
const url = (c: ManagedContainer) => serverUrlFor(c.ip!);

test('a new tenant gets a volume and a container; no route until a container is ready', () => {
  assert.deepEqual(summary(run({ tenants: [acme] })), {
    'tenant:1': ['volume berth-unit-acme', 'run berth-unit-acme-g1'],
  });
  const c = containerOf(acme);
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)] })), {});
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], ready: [c] })), { 'tenant:1': [`route [${url(c)}]`] });
});

test('a started but not yet ready container: nothing to do until the probe passes', () => {
  const c = containerOf(acme);
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: [] }, confirmed: ['acme'] })), {});
});

test('the route lists the container once it is ready', () => {
  const c = containerOf(acme);
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: [] }, confirmed: ['acme'], ready: [c] })), {
    'tenant:1': [`route [${url(c)}]`],
  });
});

test('a route file that Traefik has not confirmed (e.g. after a restart) is confirmed, not rewritten', () => {
  const c = containerOf(acme);
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: [url(c)] }, ready: [c] })), {
    'tenant:1': [`confirm [${url(c)}]`],
  });
});

test('after a restart, a routed container not probed yet keeps its place (no empty route, no 503)', () => {
  const c = containerOf(acme);
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: [url(c)] } })), {
    'tenant:1': [`confirm [${url(c)}]`],
  });
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: [url(c)] }, notReady: [c] })), {
    'tenant:1': ['route []'],
  });
});

test('a converged tenant plans nothing', () => {
  const c = containerOf(acme);
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: [url(c)] }, confirmed: ['acme'], ready: [c] })), {});
});

test('a container that is down leaves the route (the server is removed while it is not ready)', () => {
  const c = containerOf(acme, { state: 'restarting', ip: null });
  assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: ['http://172.30.0.99:8080'] }, confirmed: ['acme'] })), {
    'tenant:1': ['route []'],
  });
});

test('a created or exited container of the right spec is started, not replaced', () => {
  for (const state of ['created', 'exited'] as const) {
    const c = containerOf(acme, { state, ip: null });
    assert.deepEqual(summary(run({ tenants: [acme], containers: [c], volumes: [volumeOf(acme)], routes: { acme: [] }, confirmed: ['acme'] })), {
      'tenant:1': [`start ${c.id}`],
    }, state);
  }
});

test('the step that starts a container writes the first route itself only when the tenant has no route file and no ready server', () => {
  const firstRouteOf = (lanes: Lane[]) => lanes.flatMap((l) => l.actions).flatMap((a) => (a.kind === 'run-container' || a.kind === 'start-container' ? [a.firstRoute] : []));
  // New: no route file yet.
  assert.deepEqual(firstRouteOf(run({ tenants: [acme], volumes: [volumeOf(acme)] })), [true]);
  // Woken: its route file went when it slept.
  const stopped = containerOf(acme, { state: 'exited', ip: null });
  assert.deepEqual(firstRouteOf(run({ tenants: [acme], containers: [stopped], volumes: [volumeOf(acme)] })), [true]);
  // A route file exists (empty while nothing is ready): the passes keep it, as before.
  assert.deepEqual(firstRouteOf(run({ tenants: [acme], containers: [stopped], volumes: [volumeOf(acme)], routes: { acme: [] }, confirmed: ['acme'] })), [false]);
});

test('duplicates: the ready one is kept and the others removed after the route is confirmed', () => {
  const older = containerOf(acme);
  const newer = containerOf(acme);
  const lanes = summary(run({ tenants: [acme], containers: [older, newer], volumes: [volumeOf(acme)], routes: { acme: [url(older), url(newer)] }, confirmed: ['acme'], ready: [older] }));
  assert.deepEqual(lanes, { 'tenant:1': [`route [${url(older)}]`, `remove ${newer.id}`] });
});

test('drift: a replacement is started while the old container keeps serving', () => {
  const old = containerOf(acme, { specHash: 'oldoldoldoldold0' });
  assert.deepEqual(summary(run({ tenants: [acme], containers: [old], volumes: [volumeOf(acme)], routes: { acme: [url(old)] }, confirmed: ['acme'], ready: [old] })), {
    'tenant:1': ['run berth-unit-acme-g1'],
  });
});

test('drift: once the replacement is ready the route switches to it, then the old one goes', () => {
  const old = containerOf(acme, { specHash: 'oldoldoldoldold0' });
  const fresh = containerOf(acme);
  const w = { tenants: [acme], containers: [old, fresh], volumes: [volumeOf(acme)], routes: { acme: [url(old)] }, confirmed: ['acme'] };
  assert.deepEqual(summary(run({ ...w, ready: [old] })), {}, 'replacement not ready: keep serving from the old one');
  assert.deepEqual(summary(run({ ...w, ready: [old, fresh] })), { 'tenant:1': [`route [${url(fresh)}]`, `remove ${old.id}`] });
});

test('an older generation is replaced the same way', () => {
  const g2 = tenant({ generation: 2 });
  const old = containerOf(tenant({ generation: 1 }));
  const fresh = containerOf(g2);
  assert.deepEqual(summary(run({ tenants: [g2], containers: [old, fresh], volumes: [volumeOf(g2)], routes: { acme: [url(old)] }, confirmed: ['acme'], ready: [old, fresh] })), {
    'tenant:1': [`route [${url(fresh)}]`, `remove ${old.id}`],
  });
});

test('drift replacements are bounded by the parallelism; new tenants are not', () => {
  const tenants = [1, 2, 3].map((id) => tenant({ id, slug: `t${id}` }));
  const olds = tenants.map((t) => containerOf(t, { specHash: 'oldoldoldoldold0' }));
  const fresh = tenant({ id: 4, slug: 't4' });
  const lanes = summary(run({
    tenants: [...tenants, fresh],
    containers: olds,
    volumes: [...tenants, fresh].map((t) => volumeOf(t)),
    routes: Object.fromEntries(tenants.map((t, i) => [t.slug, [url(olds[i]!)]])),
    confirmed: tenants.map((t) => t.slug),
    ready: olds,
    parallel: 2,
  }));
  assert.deepEqual(lanes, {
    'tenant:1': ['run berth-unit-t1-g1'],
    'tenant:2': ['run berth-unit-t2-g1'],
    'tenant:4': ['run berth-unit-t4-g1'],
  });
});

test('a deleted tenant loses its route and containers at once; its volume stays until the purge time', () => {
  const gone = tenant({ desiredState: 'deleted', deletedAt: NOW - 1000, purgeVolumeAfter: NOW + 3600_000 });
  const c = containerOf(gone);
  assert.deepEqual(summary(run({ tenants: [gone], containers: [c], volumes: [volumeOf(gone)], routes: { acme: [url(c)] } })), {
    'tenant:1': ['unroute acme', `remove ${c.id}`],
  });
});

test('volume purge: only when due, only once, never without a deletion time', () => {
  const cases: [string, Partial<Tenant>, boolean][] = [
    ['due', { deletedAt: NOW - 10, purgeVolumeAfter: NOW - 1 }, true],
    ['not due', { deletedAt: NOW - 10, purgeVolumeAfter: NOW + 1 }, false],
    ['already purged', { deletedAt: NOW - 10, purgeVolumeAfter: NOW - 1, volumePurgedAt: NOW - 5 }, false],
    ['retention from deletion time', { deletedAt: NOW - config.volumeRetentionHours * 3600_000 - 1, purgeVolumeAfter: null }, true],
    ['no deletion time', { deletedAt: null, purgeVolumeAfter: null }, false],
  ];
  for (const [what, over, purges] of cases) {
    const t = tenant({ desiredState: 'deleted', ...over });
    assert.deepEqual(summary(run({ tenants: [t], volumes: [volumeOf(t)] })), purges ? { 'tenant:1': ['purge berth-unit-acme'] } : {}, what);
  }
});

test('a live tenant never loses its volume, whatever the timestamps say', () => {
  const t = tenant({ deletedAt: NOW - 1e9, purgeVolumeAfter: NOW - 1e9 });
  const c = containerOf(t);
  const lanes = run({ tenants: [t], containers: [c], volumes: [volumeOf(t)], routes: { acme: [url(c)] }, confirmed: ['acme'], ready: [c] });
  assert.equal(lanes.flatMap((l) => l.actions).filter((a) => a.kind === 'purge-volume').length, 0);
});

test('orphans: containers and route files of no tenant are removed; volumes of no tenant are kept', () => {
  const ghost = tenant({ id: 99, slug: 'ghost' });
  const c = containerOf(ghost);
  assert.deepEqual(summary(run({ tenants: [], containers: [c], volumes: [volumeOf(ghost)], routes: { ghost: [] } })), {
    [`container:${c.id}`]: [`remove ${c.id}`],
    'route:ghost': ['unroute ghost'],
  });
});

test('a partial plan (the quick pass) starts new and woken tenants, and leaves drift and orphans to the full pass', () => {
  const drifted = tenant({ id: 2, slug: 'drifted' });
  const old = containerOf(drifted, { specHash: 'oldoldoldoldold0' });
  const woken = tenant({ id: 3, slug: 'woken' });
  const stopped = containerOf(woken, { state: 'exited', ip: null });
  const ghost = containerOf(tenant({ id: 99, slug: 'ghost' }));
  const w: World = {
    tenants: [acme, drifted, woken],
    containers: [old, stopped, ghost],
    volumes: [volumeOf(drifted), volumeOf(woken)],
    routes: { drifted: [url(old)], ghost: [] },
    confirmed: ['drifted'],
    ready: [old],
  };
  assert.deepEqual(summary(run({ ...w, partial: true })), {
    'tenant:1': [`volume ${volumeNameFor(acme, config)}`, 'run berth-unit-acme-g1'],
    'tenant:3': [`start ${stopped.id}`],
  });
  assert.deepEqual(Object.keys(summary(run(w))).sort(), ['container:' + ghost.id, 'route:ghost', 'tenant:1', 'tenant:2', 'tenant:3'].sort());
});

test('containers of ours with another role are left alone', () => {
  const other = containerOf(tenant({ id: 99 }), { labels: { [LABEL.instance]: 'unit', [LABEL.role]: 'something-else' } });
  assert.deepEqual(summary(run({ tenants: [], containers: [other] })), {});
});

test('a held tenant (in a rollout) is left alone, drift and all', () => {
  const old = containerOf(acme, { specHash: 'oldoldoldoldold0' });
  const fresh = containerOf(acme);
  assert.deepEqual(summary(run({ tenants: [acme], containers: [old, fresh], volumes: [volumeOf(acme)], routes: { acme: [url(old), url(fresh)] }, ready: [old, fresh], held: [1] })), {});
});

test('a volume with the tenant name but another tenant id is never adopted', () => {
  assert.deepEqual(summary(run({ tenants: [acme], volumes: [volumeOf(acme, 42)] })), {});
});

test('containers being removed are neither kept nor removed again', () => {
  const removing = containerOf(acme, { state: 'removing', ip: null });
  const lanes = summary(run({ tenants: [acme], containers: [removing], volumes: [volumeOf(acme)], routes: { acme: [] }, confirmed: ['acme'] }));
  assert.deepEqual(lanes, { 'tenant:1': ['run berth-unit-acme-g1'] });
});
