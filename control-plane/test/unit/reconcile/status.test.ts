import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedContainer } from '../../../src/docker/types.js';
import { renderRoute } from '../../../src/edge/route-text.js';
import type { Observed } from '../../../src/reconcile/plan.js';
import { statusFor, type LaneFailure } from '../../../src/reconcile/status.js';
import { routeFor, serverUrlFor } from '../../../src/tenants/route.js';
import type { Tenant } from '../../../src/tenants/tenant.js';
import { config, containerOf, tenant } from '../tenants/fixtures.js';

function observe(t: Tenant, containers: ManagedContainer[], opts: { ready?: string; notReady?: string; route?: string[]; confirmed?: boolean } = {}): Observed {
  const text = opts.route ? renderRoute(routeFor(t, opts.route, config)) : undefined;
  return {
    containers,
    volumes: [],
    routes: new Map(text ? [[t.slug, text]] : []),
    confirmedRoutes: new Map(text && opts.confirmed ? [[t.slug, text]] : []),
    readiness: (id) => ({ state: id === opts.ready ? 'ready' : id === opts.notReady ? 'not-ready' : 'unknown', since: 123, detail: id === opts.notReady ? 'HTTP 500' : '' }),
  };
}

test('tenant states follow what is observed', () => {
  const t = tenant();
  const c = containerOf(t);
  const url = serverUrlFor(c.ip!);
  const failure: LaneFailure = { attempts: 3, message: 'Docker engine: create container: boom' };
  const cases: [string, Observed, LaneFailure | undefined, string, string | null][] = [
    ['no container yet', observe(t, []), undefined, 'creating', null],
    ['container not ready yet', observe(t, [c]), undefined, 'starting', 'container running'],
    ['ready, route not yet applied', observe(t, [c], { ready: c.id, route: [url] }), undefined, 'starting', 'waiting for Traefik to apply the route'],
    ['ready and routed', observe(t, [c], { ready: c.id, route: [url], confirmed: true }), undefined, 'running', null],
    ['failing readiness', observe(t, [c], { notReady: c.id, route: [] }), undefined, 'unhealthy', 'HTTP 500'],
    ['restarting', observe(t, [{ ...c, state: 'restarting', ip: null }]), undefined, 'unhealthy', 'restarting after its process exited'],
    ['repeated failures', observe(t, []), failure, 'error', failure.message],
  ];
  for (const [what, observed, fail, state, detail] of cases) {
    const s = statusFor(t, observed, fail, config);
    assert.equal(s.state, state, what);
    assert.equal(s.detail, detail, what);
  }
  assert.equal(statusFor(t, observe(t, [c], { ready: c.id, route: [url], confirmed: true }), undefined, config).readyAt, 123);
});

test('a deleted tenant is deleting while anything is left, then deleted with where its volume stands', () => {
  const t = tenant({ desiredState: 'deleted', deletedAt: 1, purgeVolumeAfter: Date.UTC(2030, 0, 1) });
  assert.equal(statusFor(t, observe(t, [containerOf(t)]), undefined, config).state, 'deleting');
  const gone = statusFor(t, observe(t, []), undefined, config);
  assert.equal(gone.state, 'deleted');
  assert.equal(gone.detail, 'volume berth-unit-acme kept until 2030-01-01T00:00:00.000Z');
  assert.equal(statusFor({ ...t, volumePurgedAt: 5 }, observe(t, []), undefined, config).detail, 'volume berth-unit-acme removed');
});
