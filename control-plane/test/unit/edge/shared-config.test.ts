import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedDocument } from '../../../src/edge/shared-config.js';
import { routeFor } from '../../../src/tenants/route.js';
import { config, tenant } from '../tenants/fixtures.js';

test('the shared file defines every middleware and service the tenant routes refer to with @file', () => {
  const shared = sharedDocument(config);
  const doc = routeFor(tenant(), [], config);
  const refs = Object.values(doc.http.routers).flatMap((r) => [...r.middlewares, r.service]).filter((n) => n.endsWith('@file'));
  for (const ref of refs) {
    const name = ref.replace(/@file$/, '');
    assert.ok(name in shared.http.middlewares || name in shared.http.services, `${ref} is defined in _shared.yml`);
  }
});

test('ForwardAuth goes to the control plane on loopback and hands on only the identity headers', () => {
  const fa = (sharedDocument(config).http.middlewares['berth-auth'] as { forwardAuth: Record<string, unknown> }).forwardAuth;
  assert.equal(fa.address, `http://127.0.0.1:${config.httpPort}/auth/forward`);
  assert.equal(fa.trustForwardHeader, true);
  assert.equal(fa.maxResponseBodySize, 65536);
  assert.deepEqual(fa.authResponseHeaders, ['X-Berth-User-Id', 'X-Berth-User-Email', 'X-Berth-User-Role', 'X-Berth-Auth', 'X-Berth-Token-Scope', 'X-Request-Id']);
});

test('client-sent identity headers are stripped, and the retry middleware is a small backstop', () => {
  const m = sharedDocument(config).http.middlewares as Record<string, Record<string, Record<string, unknown>>>;
  assert.deepEqual(m['berth-strip-identity']!.headers!.customRequestHeaders, {
    'X-Berth-User-Id': '', 'X-Berth-User-Email': '', 'X-Berth-User-Role': '', 'X-Berth-Auth': '', 'X-Berth-Token-Scope': '',
  });
  assert.deepEqual(m['berth-retry']!.retry, { attempts: 2, initialInterval: '50ms' });
});

test('the control plane has its own router on the bare domain', () => {
  const r = sharedDocument(config).http.routers['berth-cp'] as { rule: string; service: string };
  assert.equal(r.rule, 'Host(`berth.localhost`)');
  assert.equal(r.service, 'berth-cp');
});
