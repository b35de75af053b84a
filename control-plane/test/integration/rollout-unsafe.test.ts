// The negative controls do what they say (the proof harness relies on it): with
// BERTH_ALLOW_UNSAFE_ROLLOUTS=true, stop-before-unroute stops the old container while it is
// still routed, and no-drain stops it with grace 0 without waiting for in-flight requests.
// Whether users see failures is the harness's measurement; here the event log must show the
// broken order, and the tenant must still end up on the new image.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT_IMAGE } from './harness.js';
import { createRunningTenants, runningContainers, startRolloutStack, waitForRollout, type RolloutStack } from './rollout-helpers.js';

let rs: RolloutStack;
before(async () => {
  rs = await startRolloutStack({ BERTH_ALLOW_UNSAFE_ROLLOUTS: 'true' });
  await createRunningTenants(rs, ['unsafe-a']);
});
after(async () => {
  await rs?.stop();
});

type Ev = { slug: string; step: string; phase: string; at: number; detail: string };

async function roll(image: string, unsafe: string): Promise<Ev[]> {
  const created = await rs.call('POST', '/api/v1/rollouts', { image, tenants: ['unsafe-a'], unsafe });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.equal(created.json.unsafe, unsafe);
  const done = await waitForRollout(rs, created.json.id);
  assert.equal(done.state, 'done', JSON.stringify(done));
  const running = await runningContainers(rs.stack, 'unsafe-a');
  assert.deepEqual(running.map((c) => c.image), [image]);
  return (await rs.call('GET', `/api/v1/rollouts/${created.json.id}/events`)).json.events as Ev[];
}

test('stop-before-unroute: the stop is called while Traefik still routes to the old container', { timeout: 120_000 }, async () => {
  const events = await roll(rs.imageB, 'stop-before-unroute');
  const stopCalled = events.find((e) => e.step === 'old-stop-called')!;
  const unrouted = events.find((e) => e.step === 'old-unrouted')!;
  assert.ok(stopCalled.at < unrouted.at, 'stop came first');
  assert.match(stopCalled.detail, /grace 5 s/);
});

test('no-drain: no drain step, no settle, the old container is stopped with grace 0', { timeout: 120_000 }, async () => {
  const events = await roll(TENANT_IMAGE, 'no-drain');
  assert.ok(!events.some((e) => e.step === 'drain-old'));
  const unrouted = events.find((e) => e.step === 'old-unrouted')!;
  const stopCalled = events.find((e) => e.step === 'old-stop-called')!;
  assert.ok(unrouted.at < stopCalled.at);
  assert.match(stopCalled.detail, /grace 0 s/);
  assert.ok(stopCalled.at - unrouted.at < 250, `stopped ${Math.round(stopCalled.at - unrouted.at)} ms after unrouting, without the settle`);
});
