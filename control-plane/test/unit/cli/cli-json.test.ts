// --json output of ./berth tenants, status, rollout status/list and admin list, read from the
// real control-plane app listening on loopback with a real SQLite file (no Docker, no
// Traefik: status reports Traefik down and exits 1). Each output parses and carries the data.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { writeOperatorToken } from '../../../src/rollout/operator-token.js';
import { Browser, startTestApp, type TestApp } from '../http/test-app.js';
import { closedPort, runBerth } from './run-berth.js';

let t: TestApp;
let env: Record<string, string>;
let token: string;
before(async () => {
  t = await startTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  token = writeOperatorToken(t.config.stateDir);
  env = {
    BERTH_HTTP_PORT: String((t.app.server.address() as AddressInfo).port),
    BERTH_STATE_DIR: t.config.stateDir,
    BERTH_TRAEFIK_API_URL: `http://127.0.0.1:${await closedPort()}`,
  };
  const owner = new Browser(t);
  await owner.signUpWithForm('owner@example.com');
  for (const slug of ['json-a', 'json-b']) assert.equal((await owner.api('POST', '/api/v1/tenants', { slug })).statusCode, 201);
  t.db.prepare("INSERT INTO tenant_status (tenant_id, state, detail, ready_at, updated_at) SELECT id, 'running', NULL, 1, 1 FROM tenants WHERE slug = 'json-a'").run();
});
after(() => t.close());

async function berthJson(args: string[], expectedCode = 0): Promise<unknown> {
  const r = await runBerth(args, env);
  assert.equal(r.code, expectedCode, `./berth ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('tenants --json: the admin API\'s objects', { timeout: 60_000 }, async () => {
  const { tenants } = await berthJson(['tenants', '--json']) as { tenants: { slug: string; owner: string; state: string; health: string }[] };
  assert.deepEqual(tenants.map((x) => [x.slug, x.owner, x.state, x.health]).sort(), [
    ['json-a', 'owner@example.com', 'running', 'healthy'],
    ['json-b', 'owner@example.com', 'unknown', 'unknown'],
  ]);
});

test('status --json: the control plane answers, Traefik does not (exit 1), tenants by state', { timeout: 60_000 }, async () => {
  const report = await berthJson(['status', '--json'], 1) as {
    ok: boolean; controlPlane: { answering: boolean; version: string; commit: string; url: string }; traefik: { answering: boolean };
    tenants: { total: number; byState: Record<string, number> }; publicUrl: string;
  };
  assert.equal(report.ok, false);
  assert.deepEqual([report.controlPlane.answering, report.controlPlane.version, report.controlPlane.commit], [true, '0.0.0-test', 'test']);
  assert.equal(report.controlPlane.url, `http://127.0.0.1:${env.BERTH_HTTP_PORT}`);
  assert.equal(report.traefik.answering, false);
  assert.deepEqual(report.tenants, { total: 2, byState: { running: 1, unknown: 1 } });
  assert.equal(report.publicUrl, 'https://berth.localhost/');
  const text = await runBerth(['status'], env);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^tenants +2: 1 running, 1 unknown$/m);
  assert.match(text.stdout, /berth is degraded/);
});

test('rollout status --json and rollout list --json: none yet, then the latest with its tenants', { timeout: 60_000 }, async () => {
  assert.equal(await berthJson(['rollout', 'status', '--json']), null);
  assert.deepEqual(await berthJson(['rollout', 'list', '--json']), { rollouts: [] });
  const res = await fetch(`http://127.0.0.1:${env.BERTH_HTTP_PORT}/api/v1/rollouts`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ image: 'berth/tenant:v2' }),
  });
  assert.equal(res.status, 201);
  const { id } = await res.json() as { id: number };
  for (const args of [['rollout', 'status', '--json'], ['rollout', 'status', String(id), '--json']]) {
    const detail = await berthJson(args) as { id: number; image: string; state: string; tenants: { slug: string; state: string }[] };
    assert.deepEqual([detail.id, detail.image, detail.state], [id, 'berth/tenant:v2', 'pending']);
    assert.deepEqual(detail.tenants.map((x) => [x.slug, x.state]).sort(), [['json-a', 'pending'], ['json-b', 'pending']]);
  }
  const { rollouts } = await berthJson(['rollout', 'list', '--json']) as { rollouts: { id: number }[] };
  assert.deepEqual(rollouts.map((r) => r.id), [id]);
  const text = await runBerth(['rollout', 'status'], env);
  assert.match(text.stdout, new RegExp(`^rollout #${id} pending: berth/tenant:v2, 0/2 finished`));
  assert.match(text.stdout, /^ {2}\.\.\. {2}json-a: waiting$/m);
});

test('rollout --image=REF is read like --image REF; a value the control plane refuses exits 2', { timeout: 60_000 }, async () => {
  for (const args of [['--image=berth/tenant:v3', '--unsafe=no-drain'], ['start', '--image', 'berth/tenant:v3', '--unsafe', 'no-drain']]) {
    const r = await runBerth(['rollout', ...args], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /UNSAFE_ROLLOUT_REFUSED/);
  }
  const bad = await runBerth(['rollout', '--image=not an image'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /image/);
});

test('admin list --json, and a failed request (no such account) exits 1', { timeout: 60_000 }, async () => {
  assert.deepEqual(await berthJson(['admin', 'list', '--json']), { admins: [] });
  const r = await runBerth(['admin', 'add', 'nobody@example.com'], env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /NOT_FOUND/);
});
