// The public heartbeat (the control-plane host, as Traefik forwards it) says only ok or
// failing; the check details, which carry internal error text, answer only on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('through the public host: status and { ok } only, no detail text', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/__heartbeat__', headers: { host: t.config.domain, 'x-forwarded-for': '203.0.113.9' } });
  assert.equal(res.statusCode, 500, 'Docker and Traefik are not connected in unit tests');
  assert.deepEqual(res.json(), { ok: false });
  assert.doesNotMatch(res.body, /not connected|reconcile/);
  assert.equal(res.headers['cache-control'], 'no-store');
});

test('on the loopback listener: every check with its detail', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/__heartbeat__', headers: { host: `127.0.0.1:${t.config.httpPort}` } });
  assert.equal(res.statusCode, 500);
  const body = res.json();
  assert.deepEqual(body.checks.database, { ok: true });
  assert.deepEqual(body.checks.docker, { ok: false, detail: 'not connected in unit tests' });
  assert.match(body.checks.reconciler.detail, /no reconcile pass/);
});

test('/__version__ names the build and the Node runtime serving it', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/__version__', headers: { host: t.config.domain } });
  assert.deepEqual(res.json(), { name: 'berth-control-plane', version: '0.0.0-test', commit: 'test', node: process.version });
});
