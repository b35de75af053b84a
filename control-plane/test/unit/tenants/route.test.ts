import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeFor, serversOf } from '../../../src/tenants/route.js';
import { config, tenant } from './fixtures.js';

test('a tenant route has one main router, one health router, one SSO router and one service, named for the slug', () => {
  const doc = routeFor(tenant({ slug: 'acme' }), ['http://172.30.0.5:8080'], config);
  assert.deepEqual(Object.keys(doc.http.routers).sort(), ['t-acme', 't-acme.health', 't-acme.sso']);
  assert.deepEqual(Object.keys(doc.http.services!), ['t-acme']);
  const main = doc.http.routers['t-acme']!;
  assert.equal(main.rule, 'Host(`acme.berth.localhost`)');
  assert.deepEqual(main.entryPoints, ['websecure']);
  assert.deepEqual(main.tls, {});
  assert.deepEqual(main.middlewares, ['berth-security-headers@file', 'berth-strip-identity@file', 'berth-auth@file', 'berth-retry@file']);
  assert.equal(main.service, 't-acme');
  assert.deepEqual(doc.http.services!['t-acme'], { loadBalancer: { servers: [{ url: 'http://172.30.0.5:8080' }], passHostHeader: true } });
});

test('health paths skip ForwardAuth; the SSO path goes to the control plane', () => {
  const doc = routeFor(tenant({ slug: 'acme' }), [], config);
  const health = doc.http.routers['t-acme.health']!;
  assert.equal(health.rule, 'Host(`acme.berth.localhost`) && (Path(`/__lbheartbeat__`) || Path(`/__heartbeat__`) || Path(`/__version__`))');
  assert.ok(!health.middlewares.some((m) => m.startsWith('berth-auth')));
  assert.equal(health.service, 't-acme');
  const sso = doc.http.routers['t-acme.sso']!;
  assert.equal(sso.rule, 'Host(`acme.berth.localhost`) && PathPrefix(`/__berth/sso`)');
  assert.equal(sso.service, 'berth-cp@file');
  assert.ok(sso.priority! > health.priority!);
});

test('servers are de-duplicated and sorted, so the same set gives the same document', () => {
  const a = routeFor(tenant(), ['http://172.30.0.9:8080', 'http://172.30.0.10:8080', 'http://172.30.0.9:8080'], config);
  const b = routeFor(tenant(), ['http://172.30.0.10:8080', 'http://172.30.0.9:8080'], config);
  assert.deepEqual(a, b);
  assert.deepEqual(serversOf(a, 'acme'), ['http://172.30.0.10:8080', 'http://172.30.0.9:8080']);
});

test('no ready container gives the router with an empty service (503, not 404)', () => {
  const doc = routeFor(tenant(), [], config);
  assert.ok(doc.http.routers['t-acme']);
  assert.deepEqual(doc.http.services!['t-acme']!.loadBalancer.servers, []);
});
