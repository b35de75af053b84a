// Table tests of plan() for hibernation: a sleeping tenant gets no start and no route (its
// route leaves Traefik before its container stops, and the container is kept, or created
// stopped when it has none); a woken one is started, probed, then routed, like any stopped
// container of the desired spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedContainer, ManagedVolume } from '../../../src/docker/types.js';
import { renderRoute } from '../../../src/edge/route-text.js';
import type { Action, Lane } from '../../../src/reconcile/actions.js';
import { plan, type Observed } from '../../../src/reconcile/plan.js';
import { statusFor } from '../../../src/reconcile/status.js';
import { volumeNameFor } from '../../../src/tenants/container-spec.js';
import { LABEL } from '../../../src/tenants/labels.js';
import { routeFor, serverUrlFor } from '../../../src/tenants/route.js';
import type { Tenant } from '../../../src/tenants/tenant.js';
import { config, containerOf, tenant } from '../tenants/fixtures.js';

interface World {
  tenants: Tenant[];
  containers?: ManagedContainer[];
  routes?: Record<string, string[]>;
  confirmed?: string[];
  ready?: ManagedContainer[];
  held?: number[];
}

function observe(w: World): Observed {
  const byslug = new Map(w.tenants.map((t) => [t.slug, t]));
  const routes = new Map(Object.entries(w.routes ?? {}).map(([slug, urls]) => [slug, renderRoute(routeFor(byslug.get(slug)!, urls, config))]));
  const volumes: ManagedVolume[] = w.tenants.map((t) => ({ name: volumeNameFor(t, config), labels: { [LABEL.instance]: 'unit', [LABEL.tenantId]: String(t.id), [LABEL.role]: 'data' } }));
  const ready = new Set((w.ready ?? []).map((c) => c.id));
  return {
    containers: w.containers ?? [],
    volumes,
    routes,
    confirmedRoutes: new Map((w.confirmed ?? []).map((slug) => [slug, routes.get(slug)!])),
    readiness: (id) => ({ state: ready.has(id) ? 'ready' : 'unknown', since: 0, detail: '' }),
  };
}

function run(w: World): Record<string, string[]> {
  const lanes: Lane[] = plan({ tenants: w.tenants, observed: observe(w), held: new Set(w.held ?? []), now: 1, config: { ...config, rolloutParallel: 2 } });
  const say = (a: Action): string => {
    switch (a.kind) {
      case 'remove-route': return `unroute${a.confirmGone ? '+confirm' : ''}`;
      case 'stop-container': return `stop ${a.containerId}`;
      case 'start-container': return `start ${a.containerId}`;
      case 'remove-container': return `remove ${a.containerId}`;
      case 'write-route': return `route [${a.servers.join(' ')}]`;
      case 'confirm-route': return `confirm [${a.servers.join(' ')}]`;
      default: return a.kind;
    }
  };
  return Object.fromEntries(lanes.map((l) => [l.key, l.actions.map(say)]));
}

const awake = tenant();
const asleep = tenant({ asleep: true, asleepChangedAt: 5 });
const url = (c: ManagedContainer) => serverUrlFor(c.ip!);

test('an idle tenant made asleep: its route leaves Traefik (confirmed), then its container stops and is kept', () => {
  const c = containerOf(awake, { id: 'c-run' });
  assert.deepEqual(run({ tenants: [asleep], containers: [c], ready: [c], routes: { acme: [url(c)] }, confirmed: ['acme'] }), {
    'tenant:1': ['unroute+confirm', 'stop c-run'],
  });
});

test('a hibernated tenant plans nothing: no start, no route', () => {
  const stopped = containerOf(awake, { id: 'c-exited', state: 'exited', ip: null });
  assert.deepEqual(run({ tenants: [asleep], containers: [stopped] }), {});
});

test('a sleeper with no container of its spec gets one created, not started (its wake is a start); its volume first if missing', () => {
  assert.deepEqual(run({ tenants: [asleep] }), { 'tenant:1': ['create-container'] });
  const created = containerOf(awake, { id: 'c-created', state: 'created', ip: null });
  assert.deepEqual(run({ tenants: [asleep], containers: [created] }), {});
  const lanes = plan({ tenants: [asleep], observed: { ...observe({ tenants: [asleep] }), volumes: [] }, held: new Set(), now: 1, config: { ...config, rolloutParallel: 2 } });
  assert.deepEqual(lanes.map((l) => l.actions.map((a) => a.kind === 'create-container' ? `create-container with volume ${a.volume?.name}` : a.kind)),
    [[`create-container with volume ${volumeNameFor(asleep, config)}`]]);
  // Another tenant's volume under its name is never adopted: nothing is created.
  const foreign: ManagedVolume = { name: volumeNameFor(asleep, config), labels: { [LABEL.instance]: 'unit', [LABEL.tenantId]: '99', [LABEL.role]: 'data' } };
  assert.deepEqual(plan({ tenants: [asleep], observed: { ...observe({ tenants: [asleep] }), volumes: [foreign] }, held: new Set(), now: 1, config: { ...config, rolloutParallel: 2 } }), []);
});

test('a crash between the unlink and the stop: the route removal is confirmed again before the stop', () => {
  const c = containerOf(awake, { id: 'c-run2' });
  assert.deepEqual(run({ tenants: [asleep], containers: [c], ready: [c] }), { 'tenant:1': ['unroute+confirm', 'stop c-run2'] });
  // A route file left with nothing running still goes.
  const stopped = containerOf(awake, { id: 'c-ex2', state: 'exited', ip: null });
  assert.deepEqual(run({ tenants: [asleep], containers: [stopped], routes: { acme: [] } }), { 'tenant:1': ['unroute+confirm'] });
});

test('a sleeper whose desired image changed (a rollout while asleep): the old container is removed, the new one created, nothing started', () => {
  const old = containerOf(awake, { id: 'c-old', state: 'exited', ip: null, specHash: 'oldspec' });
  const rolled = tenant({ asleep: true, asleepChangedAt: 5, image: 'berth/tenant:2.0.0', generation: 2 });
  assert.deepEqual(run({ tenants: [rolled], containers: [old] }), { 'tenant:1': ['remove c-old', 'create-container'] });
});

test('wake: the stopped container is started, probed, then routed', () => {
  const woken = tenant({ asleepChangedAt: 9 });
  const stopped = containerOf(woken, { id: 'c-w', state: 'exited', ip: null });
  assert.deepEqual(run({ tenants: [woken], containers: [stopped] }), { 'tenant:1': ['start c-w'] });
  // Started, not ready yet: no route (the waker keeps the request until Traefik lists one).
  const started = { ...stopped, state: 'running' as const, ip: '172.30.0.77' };
  assert.deepEqual(run({ tenants: [woken], containers: [started] }), {});
  assert.deepEqual(run({ tenants: [woken], containers: [started], ready: [started] }), { 'tenant:1': [`route [${url(started)}]`] });
});

test('wake after a rollout while asleep: a container of the new image is created', () => {
  const woken = tenant({ asleepChangedAt: 9, image: 'berth/tenant:2.0.0', generation: 2 });
  assert.deepEqual(run({ tenants: [woken] }), { 'tenant:1': ['run-container'] });
});

test('a sleeper held by a rollout or a restore is left alone', () => {
  const c = containerOf(awake, { id: 'c-held' });
  assert.deepEqual(run({ tenants: [asleep], containers: [c], ready: [c], routes: { acme: [url(c)] }, held: [1] }), {});
});

test('status: hibernating until converged, then hibernated; a woken tenant starting is waking', () => {
  const c = containerOf(awake, { id: 'c-st' });
  const w = (x: World) => statusFor(x.tenants[0]!, observe(x), undefined, config).state;
  assert.equal(w({ tenants: [asleep], containers: [c], ready: [c], routes: { acme: [url(c)] } }), 'hibernating');
  assert.equal(w({ tenants: [asleep], containers: [{ ...c, state: 'exited', ip: null }] }), 'hibernated');
  const woken = tenant({ asleepChangedAt: 9 });
  assert.equal(w({ tenants: [woken], containers: [{ ...c, state: 'exited', ip: null }] }), 'waking');
  assert.equal(w({ tenants: [woken], containers: [c], ready: [c], routes: { acme: [url(c)] }, confirmed: ['acme'] }), 'running');
  assert.equal(w({ tenants: [awake], containers: [{ ...c, state: 'exited', ip: null }] }), 'starting');
});
