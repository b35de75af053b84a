// Two control-plane versions serve together on one database (issue 12, rolling upgrade): the
// previous version (the commit before the web pool, BERTH_PREVIOUS_COMMIT to choose another),
// checked out with `git worktree` and run from source as this one is, beside this version on one
// state directory and behind one Traefik. Migrations are additive, so each runs on the file the
// other migrated; the new holder lists the old process in Traefik's control-plane service;
// tenant traffic passes either way; and when the new process stops, the old one takes the lease
// and its own (older) shared file still serves. What is not the previous version's: the
// dependencies (this checkout's node_modules, @berth/common included) — the control plane's own
// code is; a previous commit with other dependencies would need its own install.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@berth/common/wait-for';
import { REPO_ROOT, startStack, type ExtraControlPlane, type Stack } from '../src/stack.js';
import { createTenant, send, signUp, waitUntilServing, type Session } from '../src/session.js';
import { request } from '../src/https-client.js';

const IMAGE = process.env.BERTH_TEST_TENANT_IMAGE ?? 'berth/tenant:current';
/** The last commit before the control-plane web pool (1635c7a): it has the lease, not the pool. */
const PREVIOUS = process.env.BERTH_PREVIOUS_COMMIT ?? '736fdf1';
const TIMINGS = { BERTH_LEASE_TTL_MS: '2000', BERTH_LEASE_RENEW_MS: '500' };
let worktree: string;
let stack: Stack;
let old: ExtraControlPlane;
let session: Session;
let token: string;

const git = (...args: string[]) => execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' }).trim();
const leaseOf = async (url: string) => ((await (await fetch(`${url}/__heartbeat__`)).json()) as { lease: { holder: string } | null }).lease;
const processesOf = async (url: string) => ((await (await fetch(`${url}/__heartbeat__`)).json()) as { processes: { id: string; version: string; state: string }[] }).processes;

async function readsThroughTraefik(slug: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await request(`${stack.tenantUrl(slug)}/api/tables`, { agent: stack.agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    statuses.push(res.status);
  }
  return statuses;
}

before(async () => {
  worktree = mkdtempSync(join(tmpdir(), 'berth-previous-'));
  git('worktree', 'add', '--detach', worktree, PREVIOUS);
  // Dependencies are this checkout's (see the header).
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(worktree, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'control-plane/node_modules'), join(worktree, 'control-plane/node_modules'));
  stack = await startStack({ webPool: true, env: { ...TIMINGS, BERTH_PROCESS_ID: 'new', BERTH_TENANT_IMAGE: IMAGE } });
  await waitFor(async () => (await leaseOf(stack.cpUrl))?.holder.startsWith('new/') === true, { timeoutMs: 10_000, what: 'the new version holds the lease' });
  old = await stack.addControlPlane('old', { BERTH_PROCESS_ID: 'old' }, worktree);
});

after(async () => {
  await stack?.stop();
  if (worktree) {
    git('worktree', 'remove', '--force', worktree);
    rmSync(worktree, { recursive: true, force: true });
  }
});

test('the previous version runs on the database this one migrated and the new holder balances over both', async () => {
  const procs = await processesOf(old.url);
  assert.deepEqual(procs.map((p) => p.id.split('/')[0]).sort(), ['new', 'old']);
  await waitFor(async () => {
    const s = ((await (await fetch(`${stack.traefikApi}/api/http/services/berth-cp@file`)).json()) as { serverStatus?: Record<string, string> }).serverStatus ?? {};
    return s[stack.cpUrl] === 'UP' && s[old.url] === 'UP';
  }, { timeoutMs: 15_000, what: 'both versions UP in berth-cp' });
  // A tenant and a token made through the old version's pages and API, served through Traefik
  // with ForwardAuth balanced over both versions.
  session = await signUp(stack, `versions-${stack.instance}@example.org`, 'correct horse battery staple');
  await createTenant(stack, session, 'versions');
  await waitUntilServing(stack, session, 'versions');
  const res = await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/versions/tokens`, {
    json: { name: 'versions', scope: 'read' }, headers: { 'x-csrf-token': session.csrfToken },
  });
  assert.equal(res.status, 201, res.body);
  token = (JSON.parse(res.body) as { token: string }).token;
  assert.deepEqual([...new Set(await readsThroughTraefik('versions', 40))], [200]);
});

test('when the new version stops, the previous one takes the lease and keeps serving with its own shared file', async () => {
  await stack.controlPlane.kill('SIGTERM');
  await waitFor(async () => (await leaseOf(old.url))?.holder.startsWith('old/') === true, { timeoutMs: 10_000, intervalMs: 50, what: 'the previous version holds the lease' });
  await waitFor(async () => (await readsThroughTraefik('versions', 1))[0] === 200, { timeoutMs: 15_000, what: 'tenant served with the previous version alone' });
  assert.deepEqual([...new Set(await readsThroughTraefik('versions', 40))], [200]);
  // And the new version comes back beside it on the same database.
  await stack.controlPlane.start();
  assert.deepEqual((await processesOf(stack.cpUrl)).map((p) => p.id.split('/')[0]).sort(), ['new', 'old']);
});
