import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../support/test-app.js';

test('health endpoints, container header, control-only /__berth/ and drain', async (t) => {
  const ta = await startTestApp({ BERTH_VERSION: '9.9.9', BERTH_COMMIT: 'abc', BERTH_IMAGE: 'berth/tenant:9.9.9' });
  t.after(() => ta.close());
  const { app, deps } = ta;

  const lb = await app.inject('/__lbheartbeat__');
  assert.equal(lb.statusCode, 200);
  assert.equal(lb.headers['x-berth-container'], 'test-container');

  const hb = await app.inject('/__heartbeat__');
  assert.equal(hb.statusCode, 200);
  assert.equal(hb.json().status, 'ok');

  assert.deepEqual((await app.inject('/__version__')).json(), { version: '9.9.9', commit: 'abc', image: 'berth/tenant:9.9.9', node: process.version });

  const refused = await app.inject({ url: '/__berth/state', headers: { 'x-forwarded-for': '10.0.0.1' } });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().error.code, 'CONTROL_PLANE_ONLY');
  assert.equal(refused.headers['x-berth-container'], 'test-container');
  const refusedDrain = await app.inject({ method: 'POST', url: '/__berth/drain', headers: { 'x-forwarded-for': '10.0.0.1' } });
  assert.equal(refusedDrain.statusCode, 403);
  assert.equal(deps.state.draining, false);

  const state = (await app.inject('/__berth/state')).json();
  assert.equal(state.ready, true);
  assert.equal(state.draining, false);
  assert.equal(state.inflight, 0, 'the state poll itself is not counted');
  assert.equal(state.container, 'test-container');
  assert.ok(state.rssBytes > 0);

  assert.equal((await app.inject({ method: 'POST', url: '/__berth/drain' })).statusCode, 200);
  const red = await app.inject('/__heartbeat__');
  assert.equal(red.statusCode, 503);
  assert.equal(red.json().draining, true);
  // Draining keeps serving.
  assert.equal((await app.inject('/__lbheartbeat__')).statusCode, 200);

  const notFound = await app.inject('/no/such/thing');
  assert.equal(notFound.statusCode, 404);
  assert.equal(notFound.json().error.code, 'NOT_FOUND');
  assert.equal(notFound.headers['x-berth-container'], 'test-container');
});

test('heartbeat is red until ready', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  ta.deps.state.ready = false;
  assert.equal((await ta.app.inject('/__heartbeat__')).statusCode, 503);
});
