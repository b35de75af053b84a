// Two control-plane web processes behind Traefik (issue 12, ARCHITECTURE.md "The web pool in
// Traefik"): ForwardAuth goes through Traefik's loopback cpauth entrypoint to the service
// berth-cp, which the lease holder fills from the process register and Traefik health-checks.
// Steady bearer-token traffic to a tenant through Traefik survives a graceful stop of one web
// process with no failed request, and a kill -9 of the other with at most the requests in
// flight at that instant failing; the lease moves both times. Real processes, Docker, Traefik.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '@berth/common/wait-for';
import { REPO_ROOT, startStack, type ExtraControlPlane, type Stack } from '../src/stack.js';
import { createTenant, send, signUp, waitUntilServing, type Session } from '../src/session.js';
import { request } from '../src/https-client.js';

const IMAGE = process.env.BERTH_TEST_TENANT_IMAGE ?? 'berth/tenant:current';
const TIMINGS = { BERTH_LEASE_TTL_MS: '2000', BERTH_LEASE_RENEW_MS: '500' };
const SLUG = 'pool';
/** Requests in flight at once: the most a kill -9 may fail. */
const CONCURRENCY = 4;
let stack: Stack;
let b: ExtraControlPlane;
let session: Session;
let token: string;

interface Details { lease: { holder: string; epoch: number } | null }
const leaseOf = async (url: string) => ((await (await fetch(`${url}/__heartbeat__`)).json()) as Details).lease;

/** Traefik's view of the control-plane service: server URL → UP/DOWN. */
async function poolStatus(): Promise<Record<string, string>> {
  const res = await fetch(`${stack.traefikApi}/api/http/services/berth-cp@file`);
  if (!res.ok) return {};
  return ((await res.json()) as { serverStatus?: Record<string, string> }).serverStatus ?? {};
}
const bothUp = async () => {
  const s = await poolStatus();
  return s[stack.cpUrl] === 'UP' && s[b.url] === 'UP';
};

/** Bearer-token reads through Traefik (ForwardAuth on each) until `until` settles; bounded in count and time. */
async function load(until: Promise<unknown>): Promise<{ requests: number; failed: { status: number; body: string }[] }> {
  let done = false;
  void until.finally(() => (done = true));
  const started = Date.now();
  const failed: { status: number; body: string }[] = [];
  let requests = 0;
  const worker = async () => {
    while (!done && requests < 20_000 && Date.now() - started < 60_000) {
      requests++;
      try {
        const res = await request(`${stack.tenantUrl(SLUG)}/api/tables`, { agent: stack.agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
        if (res.status !== 200) failed.push({ status: res.status, body: res.body.slice(0, 200) });
      } catch (err) {
        failed.push({ status: 0, body: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { requests, failed };
}

before(async () => {
  stack = await startStack({ webPool: true, env: { ...TIMINGS, BERTH_PROCESS_ID: 'cp-a', BERTH_TENANT_IMAGE: IMAGE } });
  b = await stack.addControlPlane('b', { BERTH_PROCESS_ID: 'cp-b' });
  session = await signUp(stack, `pool-${stack.instance}@example.org`, 'correct horse battery staple');
  await createTenant(stack, session, SLUG);
  await waitUntilServing(stack, session, SLUG);
  const res = await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/${SLUG}/tokens`, {
    json: { name: 'pool', scope: 'read' }, headers: { 'x-csrf-token': session.csrfToken },
  });
  assert.equal(res.status, 201, res.body);
  token = (JSON.parse(res.body) as { token: string }).token;
});

after(async () => {
  await stack?.stop();
});

test('Traefik lists both web processes, health-checked, and ForwardAuth goes through them', async () => {
  await waitFor(bothUp, { timeoutMs: 15_000, what: 'both web processes UP in berth-cp' });
  const r = await load(new Promise((resolve) => setTimeout(resolve, 1_000)));
  assert.ok(r.requests > 0);
  assert.deepEqual(r.failed, []);
  // ./berth status lists both processes with their pid, address and last sign of life.
  const status = await promisify(execFile)(`${REPO_ROOT}/berth`, ['status', '--json'], {
    env: { ...process.env, BERTH_HTTP_PORT: String(stack.cpPort), BERTH_STATE_DIR: `${stack.dir}/state`, BERTH_TRAEFIK_API_URL: stack.traefikApi },
  }).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
  const procs = (JSON.parse(status.stdout) as { processes: { id: string; pid: number; url: string; state: string; holdsLease: boolean; lastSeenMsAgo: number }[] }).processes;
  assert.deepEqual(procs.map((p) => [p.id.split('/')[0], p.url, p.state]).sort(), [['cp-a', stack.cpUrl, 'serving'], ['cp-b', b.url, 'serving']]);
  assert.deepEqual(procs.map((p) => p.pid).sort(), [stack.controlPlane.pid(), b.pid()].sort());
  assert.equal(procs.filter((p) => p.holdsLease).length, 1);
  assert.ok(procs.every((p) => p.lastSeenMsAgo >= 0 && p.lastSeenMsAgo < 10_000));
});

test('a graceful stop of one web process (the lease holder) fails no request; the lease moves at once', async () => {
  await waitFor(async () => (await leaseOf(b.url))?.holder.startsWith('cp-a/') === true, { timeoutMs: 10_000, what: 'A holds the lease' });
  const stopped = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stack.controlPlane.kill('SIGTERM');
    await waitFor(async () => (await leaseOf(b.url))?.holder.startsWith('cp-b/') === true, { timeoutMs: 5_000, intervalMs: 50, what: 'B holds the lease' });
    // B, now the holder, drops A from the service.
    await waitFor(async () => !(stack.cpUrl in (await poolStatus())), { timeoutMs: 10_000, what: 'A leaves berth-cp' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  })();
  const r = await load(stopped);
  await stopped;
  console.log(`# graceful stop of a web process: ${r.requests} requests, ${r.failed.length} failed`);
  assert.deepEqual(r.failed, []);
});

test('kill -9 of one web process (now the holder) fails at most the requests in flight; the lease moves', async () => {
  await stack.controlPlane.start();
  await waitFor(bothUp, { timeoutMs: 15_000, what: 'A back in berth-cp' });
  const killed = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await b.kill('SIGKILL');
    await waitFor(async () => (await leaseOf(stack.cpUrl))?.holder.startsWith('cp-a/') === true, { timeoutMs: 15_000, intervalMs: 50, what: 'A takes over from a killed B' });
    await waitFor(async () => (await poolStatus())[b.url] !== 'UP', { timeoutMs: 10_000, what: 'B not UP in berth-cp' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  })();
  const r = await load(killed);
  await killed;
  console.log(`# kill -9 of a web process: ${r.requests} requests, ${r.failed.length} failed (${JSON.stringify(r.failed.slice(0, 4))})`);
  assert.ok(r.failed.length <= CONCURRENCY, `at most the ${CONCURRENCY} requests in flight fail; failed: ${JSON.stringify(r.failed)}`);
});
