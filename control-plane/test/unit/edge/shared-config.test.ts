import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlPlaneServers } from '../../../src/edge/control-plane-pool.js';
import { sharedDocument } from '../../../src/edge/shared-config.js';
import { routeFor } from '../../../src/tenants/route.js';
import { config, tenant } from '../tenants/fixtures.js';

test('the shared file defines every middleware and service the tenant routes refer to with @file', () => {
  const shared = sharedDocument(config, ['http://127.0.0.1:8088']);
  const doc = routeFor(tenant(), [], config);
  const refs = Object.values(doc.http.routers).flatMap((r) => [...r.middlewares, r.service]).filter((n) => n.endsWith('@file'));
  for (const ref of refs) {
    const name = ref.replace(/@file$/, '');
    assert.ok(name in shared.http.middlewares || name in shared.http.services, `${ref} is defined in _shared.yml`);
  }
});

test('ForwardAuth goes to the control plane on loopback and hands on only the identity headers', () => {
  const fa = (sharedDocument(config, ['http://127.0.0.1:8088']).http.middlewares['berth-auth'] as { forwardAuth: Record<string, unknown> }).forwardAuth;
  assert.equal(fa.address, `http://127.0.0.1:${config.httpPort}/auth/forward`);
  assert.equal(fa.trustForwardHeader, true);
  assert.equal(fa.maxResponseBodySize, 65536);
  assert.deepEqual(fa.authResponseHeaders, ['X-Berth-User-Id', 'X-Berth-User-Email', 'X-Berth-User-Role', 'X-Berth-Auth', 'X-Berth-Token-Scope', 'X-Request-Id']);
});

test('client-sent identity headers are stripped, and the retry middleware is a small backstop', () => {
  const m = sharedDocument(config, ['http://127.0.0.1:8088']).http.middlewares as Record<string, Record<string, Record<string, unknown>>>;
  assert.deepEqual(m['berth-strip-identity']!.headers!.customRequestHeaders, {
    'X-Berth-User-Id': '', 'X-Berth-User-Email': '', 'X-Berth-User-Role': '', 'X-Berth-Auth': '', 'X-Berth-Token-Scope': '',
  });
  assert.deepEqual(m['berth-retry']!.retry, { attempts: 2, initialInterval: '50ms' });
});

test('the control plane has its own router on the bare domain', () => {
  const r = sharedDocument(config, ['http://127.0.0.1:8088']).http.routers['berth-cp'] as { rule: string; service: string };
  assert.equal(r.rule, 'Host(`berth.localhost`)');
  assert.equal(r.service, 'berth-cp');
});

test('the control-plane service lists every given web process, health-checked, behind the retry backstop', () => {
  const shared = sharedDocument(config, ['http://127.0.0.1:8088', 'http://127.0.0.1:8089']).http;
  assert.deepEqual(shared.services['berth-cp'], {
    loadBalancer: {
      servers: [{ url: 'http://127.0.0.1:8088' }, { url: 'http://127.0.0.1:8089' }],
      passHostHeader: true,
      healthCheck: { path: '/__lbheartbeat__', interval: '1s', timeout: '500ms' },
    },
  });
  assert.ok((shared.routers['berth-cp'] as { middlewares: string[] }).middlewares.includes('berth-cp-retry@file'));
  assert.equal(shared.routers['berth-cp-auth'], undefined, 'no cpauth entrypoint configured: no router for it');
});

test('with a cpauth port, ForwardAuth calls Traefik itself there and that router balances over the same service', () => {
  const withAuth = { ...config, cpAuthPort: 18099 };
  const shared = sharedDocument(withAuth, ['http://127.0.0.1:8088']).http;
  const fa = (shared.middlewares['berth-auth'] as { forwardAuth: { address: string } }).forwardAuth;
  assert.equal(fa.address, 'http://127.0.0.1:18099/auth/forward');
  assert.deepEqual(shared.routers['berth-cp-auth'], {
    rule: 'PathPrefix(`/`)', entryPoints: ['cpauth'], middlewares: ['berth-cp-retry@file'], service: 'berth-cp', observability: { accessLogs: false },
  });
});

test('the pool is every serving process once per address, sorted; never empty', () => {
  const p = (url: string, state: 'serving' | 'silent') => ({ id: url, pid: 1, version: 'v', role: 'all', url, startedAt: 0, lastSeen: 0, state });
  assert.deepEqual(controlPlaneServers([p('http://127.0.0.1:9', 'serving'), p('http://127.0.0.1:8', 'serving'), p('http://127.0.0.1:9', 'silent'), p('http://127.0.0.1:7', 'silent')], 'http://127.0.0.1:1'),
    ['http://127.0.0.1:8', 'http://127.0.0.1:9']);
  assert.deepEqual(controlPlaneServers([p('http://127.0.0.1:7', 'silent')], 'http://127.0.0.1:1'), ['http://127.0.0.1:1']);
});
