// Rollouts on a real Docker engine and a real Traefik, driven through the control plane's API
// with the operator token: a canary then the rest with zero failed requests while a trickle
// of traffic runs; a broken image rolled back with the old containers still serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from '../../../e2e/src/https-client.js';
import { REPO_ROOT } from '../../../e2e/src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { TENANT_IMAGE } from './harness.js';
import { createRunningTenants, runningContainers, startRolloutStack, startTrickle, waitForRollout, type RolloutStack } from './rollout-helpers.js';

let rs: RolloutStack;

before(async () => {
  rs = await startRolloutStack();
});
after(async () => {
  await rs?.stop();
});

test('canary of 1, then the other tenant: each ends with one new container, no request failed', { timeout: 240_000 }, async (t) => {
  const slugs = ['roll-a', 'roll-b'];
  await createRunningTenants(rs, slugs);
  const before = new Map(await Promise.all(slugs.map(async (s) => [s, (await runningContainers(rs.stack, s))[0]!.id] as const)));
  const trickle = startTrickle(rs.stack, slugs);

  const created = await rs.call('POST', '/api/v1/rollouts', { image: rs.imageB, tenants: slugs, canary: 1, parallel: 2 });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const done = await waitForRollout(rs, created.json.id);
  const traffic = await trickle.stop();
  t.diagnostic(`traffic: ${traffic.requests} requests, ${traffic.failures} failed, ${traffic.containers.size} containers answered`);
  for (const tenant of done.tenants) {
    const ms = tenant.finishedAt - tenant.startedAt;
    t.diagnostic(`${tenant.slug}: ${ms} ms — ${tenant.steps.map((s: { step: string; startedAt: number; endedAt: number }) => `${s.step} ${Math.round(s.endedAt - s.startedAt)}`).join(', ')}`);
  }

  assert.equal(done.state, 'done', JSON.stringify(done));
  assert.equal(traffic.failures, 0, `failed requests: ${traffic.samples.join('; ')}`);
  assert.ok(traffic.requests > 20, 'the trickle ran during the rollout');
  // The canary finished before the other tenant started.
  const [canary, other] = done.tenants;
  assert.equal(canary.canary, true);
  assert.ok(canary.finishedAt <= other.startedAt, 'canary first');

  for (const slug of slugs) {
    const running = await runningContainers(rs.stack, slug);
    assert.equal(running.length, 1, `${slug}: exactly one running container`);
    assert.equal(running[0]!.image, rs.imageB);
    assert.notEqual(running[0]!.id, before.get(slug));
    const res = await request(`${rs.stack.tenantUrl(slug)}/__lbheartbeat__`, { agent: rs.stack.agent });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-berth-container'], running[0]!.id.slice(0, 12), 'Traefik sends traffic to the new container');
  }

  // Every old container left Traefik's route before it was stopped; a snapshot preceded each.
  const events = (await rs.call('GET', `/api/v1/rollouts/${created.json.id}/events`)).json.events as { slug: string; step: string; phase: string; at: number; detail: string }[];
  for (const slug of slugs) {
    const unrouted = events.find((e) => e.slug === slug && e.step === 'old-unrouted');
    const stopCalled = events.find((e) => e.slug === slug && e.step === 'old-stop-called');
    assert.ok(unrouted && stopCalled, `${slug}: milestones recorded`);
    assert.ok(unrouted.at < stopCalled.at, `${slug}: unrouted at ${unrouted.at}, stop called at ${stopCalled.at}`);
    const snap = events.find((e) => e.slug === slug && e.step === 'snapshot' && e.phase === 'end');
    assert.match(snap?.detail ?? '', /VACUUM INTO \/data\/snapshots\/tenant-.*\.db/);
  }

  // The tenant list shows the new image and the reconciler owns the tenants again.
  const admin = await rs.call('GET', '/api/v1/admin/tenants');
  for (const slug of slugs) {
    const row = admin.json.tenants.find((x: { slug: string }) => x.slug === slug);
    assert.equal(row.image, rs.imageB);
    assert.equal(row.rollout, null);
  }
});

test('a canary that cannot start (missing image) is rolled back, the rollout stops, old containers keep serving', { timeout: 240_000 }, async (t) => {
  const slugs = ['bad-a', 'bad-b'];
  await createRunningTenants(rs, slugs);
  const before = new Map(await Promise.all(slugs.map(async (s) => [s, (await runningContainers(rs.stack, s))[0]!.id] as const)));
  const trickle = startTrickle(rs.stack, slugs);

  const created = await rs.call('POST', '/api/v1/rollouts', { image: `berth/tenant:missing-${rs.stack.instance}`, tenants: slugs, canary: 1 });
  assert.equal(created.status, 201);
  const done = await waitForRollout(rs, created.json.id);
  const traffic = await trickle.stop();
  t.diagnostic(`traffic: ${traffic.requests} requests, ${traffic.failures} failed; canary reason: ${done.tenants[0].reason}`);

  assert.equal(done.state, 'failed');
  assert.match(done.error, /canary bad-a failed: start-new: .*(No such image|not found|pull)/i);
  assert.deepEqual(done.tenants.map((x: { slug: string; state: string }) => [x.slug, x.state]), [['bad-a', 'rolled-back'], ['bad-b', 'skipped']]);
  assert.equal(traffic.failures, 0, traffic.samples.join('; '));
  for (const slug of slugs) {
    const running = await runningContainers(rs.stack, slug);
    assert.deepEqual(running.map((c) => c.id), [before.get(slug)], `${slug}: the old container, alone`);
    assert.equal(running[0]!.image, TENANT_IMAGE);
  }
});

test('CLI: ./berth tenants lists them; ./berth rollout shows progress and exits 0, or 1 when a tenant is not rolled', { timeout: 240_000 }, async (t) => {
  const cli = (...args: string[]) => runCli(rs, args);
  const list = await cli('tenants');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^TENANT\s+IMAGE\s+STATE\s+HEALTH\s+MEMORY/m);
  assert.match(list.stdout, /^roll-a\s+rollout-b-\S+\s+running\s+healthy/m);

  const back = await cli('rollout', '--image', TENANT_IMAGE, '--tenants', 'roll-a,roll-b', '--canary', '1', '--parallel', '2');
  t.diagnostic(back.stdout);
  assert.equal(back.code, 0, back.stderr + back.stdout);
  assert.match(back.stdout, /ok +roll-a: rollout-b-\S+ → current done/);
  assert.match(back.stdout, /ok +roll-b: /);
  assert.match(back.stdout, /rollout #\d+ done in [\d.]+ s: 2 rolled to current/);

  const broken = await cli('rollout', '--image', `berth/tenant:missing-${rs.stack.instance}`, '--tenants', 'roll-a');
  assert.equal(broken.code, 1, broken.stdout);
  assert.match(broken.stdout, /FAIL roll-a: rolled back, still on current/);

  const refused = await cli('rollout', '--image', TENANT_IMAGE, '--unsafe', 'no-drain');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /UNSAFE_ROLLOUT_REFUSED/);
});

function runCli(r: RolloutStack, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'control-plane/src/cli/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', BERTH_HTTP_PORT: String(r.stack.cpPort), BERTH_STATE_DIR: join(r.stack.dir, 'state') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

test('cancel: the tenant in flight is rolled back, the next is skipped, the rollout ends cancelled', { timeout: 240_000 }, async () => {
  const slugs = ['cancel-a', 'cancel-b'];
  await createRunningTenants(rs, slugs);
  const before = new Map(await Promise.all(slugs.map(async (s) => [s, (await runningContainers(rs.stack, s))[0]!.id] as const)));
  const trickle = startTrickle(rs.stack, slugs);
  const created = await rs.call('POST', '/api/v1/rollouts', { image: rs.imageB, tenants: slugs, parallel: 1 });
  await waitFor(async () => {
    const r = (await rs.call('GET', `/api/v1/rollouts/${created.json.id}`)).json;
    return r.tenants.some((x: { step: string | null }) => x.step === 'wait-ready' || x.step === 'start-new');
  }, { timeoutMs: 60_000, intervalMs: 10, what: 'a tenant starting its new container' });
  const cancel = await rs.call('POST', `/api/v1/rollouts/${created.json.id}/cancel`);
  assert.equal(cancel.status, 200);
  const done = await waitForRollout(rs, created.json.id);
  const traffic = await trickle.stop();

  assert.equal(done.state, 'cancelled');
  assert.deepEqual(done.tenants.map((x: { state: string; reason: string }) => [x.state, x.reason]), [
    ['rolled-back', 'rollout cancelled'],
    ['skipped', 'rollout cancelled before this tenant started'],
  ]);
  assert.equal(traffic.failures, 0, traffic.samples.join('; '));
  for (const slug of slugs) assert.deepEqual((await runningContainers(rs.stack, slug)).map((c) => c.id), [before.get(slug)]);
});
