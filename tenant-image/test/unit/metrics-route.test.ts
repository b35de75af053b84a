// The tenant app's /__berth/metrics: Prometheus text for the control plane and the host, with
// request counts and durations by route pattern and import outcomes; refused to anything that
// came through Traefik (which always adds X-Forwarded-For).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../support/test-app.js';

test('/__berth/metrics: requests by route and status, durations, imports; control plane only', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const { app } = ta;
  await app.inject('/__lbheartbeat__');
  await app.inject('/no/such/thing');

  const res = await app.inject('/__berth/metrics');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = res.body;
  assert.match(text, /^berth_tenant_http_requests_total\{method="GET",route="\/__lbheartbeat__",status="2xx"\} [1-9]\d*$/m);
  assert.match(text, /^berth_tenant_http_requests_total\{method="GET",route="unmatched",status="4xx"\} [1-9]\d*$/m);
  assert.match(text, /^berth_tenant_http_request_duration_seconds_count\{route="\/__lbheartbeat__"\} [1-9]\d*$/m);
  assert.match(text, /^berth_tenant_imports_total\{outcome="succeeded"\} \d+$/m);
  assert.match(text, /^berth_tenant_import_rows_total \d+$/m);
  assert.match(text, /^berth_tenant_import_duration_seconds_count \d+$/m);
  assert.match(text, /^berth_tenant_process_resident_memory_bytes [1-9]\d*$/m);

  const viaTraefik = await app.inject({ url: '/__berth/metrics', headers: { 'x-forwarded-for': '203.0.113.7' } });
  assert.equal(viaTraefik.statusCode, 403);
  assert.equal(viaTraefik.json().error.code, 'CONTROL_PLANE_ONLY');
  assert.doesNotMatch(viaTraefik.body, /berth_tenant_/);
});
