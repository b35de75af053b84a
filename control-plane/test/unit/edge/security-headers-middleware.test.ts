// Every router on the public entrypoint starts with the shared security-headers middleware, so
// every answer (pages, refusals, Traefik's own 503) carries X-Frame-Options, nosniff and HSTS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HSTS_MAX_AGE_S, sharedDocument } from '../../../src/edge/shared-config.js';
import { routeFor } from '../../../src/tenants/route.js';
import { config, tenant } from '../tenants/fixtures.js';

test('every router, shared and per tenant, applies berth-security-headers first', () => {
  const shared = sharedDocument(config, ['http://127.0.0.1:8088']).http;
  const routers = { ...shared.routers, ...routeFor(tenant(), [], config).http.routers } as Record<string, { middlewares?: string[] }>;
  assert.ok(Object.keys(routers).length >= 4);
  for (const [name, r] of Object.entries(routers)) assert.equal(r.middlewares?.[0], 'berth-security-headers@file', name);
  assert.deepEqual(shared.middlewares['berth-security-headers'], {
    headers: { frameDeny: true, contentTypeNosniff: true, stsSeconds: HSTS_MAX_AGE_S, stsIncludeSubdomains: true },
  });
});
