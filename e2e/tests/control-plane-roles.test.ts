// Several control-plane processes on one database (issue 12, roles): every process serves, the
// background work runs only in the holder of the lease, a nudge written in a process that does
// not hold it reaches the holder, leadership moves when the holder stops (released at once) or
// is killed (within the TTL), and a holder paused past its TTL (SIGSTOP) that wakes after
// another took over writes nothing and stops its loops. Real processes, real SQLite, real
// Docker and Traefik; short lease timings so the test does not wait 10 s per move.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@berth/common/wait-for';
import { startStack, DOMAIN, type ExtraControlPlane, type Stack } from '../src/stack.js';
import { docker } from '../src/docker-cli.js';

const IMAGE = process.env.BERTH_TEST_TENANT_IMAGE ?? 'berth/tenant:current';
const TIMINGS = { BERTH_LEASE_TTL_MS: '2000', BERTH_LEASE_RENEW_MS: '500' };
let stack: Stack;
let b: ExtraControlPlane;

interface Details {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
  lease: { holder: string; epoch: number; expiresAt: number; renewedAt: number } | null;
  processes: { id: string; role: string; state: string }[];
}

const details = async (url: string): Promise<Details> => (await fetch(`${url}/__heartbeat__`)).json() as Promise<Details>;
const aLog = () => readFileSync(join(stack.logDir, 'control-plane.log'), 'utf8');
const holderOf = async (url: string) => (await details(url)).lease;

/** The JSON API of one process, addressed directly (Host: the control-plane host) with a cookie jar. */
function apiOf(base: string) {
  const cookies = new Map<string, string>();
  let csrf = '';
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | null }> => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: DOMAIN, accept: 'application/json' };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (csrf) headers['x-csrf-token'] = csrf;
    if (payload) headers['content-type'] = 'application/json';
    const res = await new Promise<{ status: number; text: string; setCookie: string[] }>((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method, headers }, (r) => {
        let text = '';
        r.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => resolve({ status: r.statusCode!, text, setCookie: r.headers['set-cookie'] ?? [] }));
      });
      req.on('error', reject);
      req.end(payload);
    });
    for (const line of res.setCookie) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const json = res.text ? (JSON.parse(res.text) as Record<string, unknown>) : null;
    if (typeof json?.csrfToken === 'string') csrf = json.csrfToken;
    return { status: res.status, json };
  };
}

before(async () => {
  stack = await startStack({ env: { ...TIMINGS, BERTH_PROCESS_ID: 'cp-a', BERTH_TENANT_IMAGE: IMAGE } });
  b = await stack.addControlPlane('b', { BERTH_PROCESS_ID: 'cp-b' });
});

after(async () => {
  await stack?.stop();
});

test('two processes serve on one database; only the first holds the lease; both list both', async () => {
  await waitFor(async () => (await holderOf(stack.cpUrl))?.holder.startsWith('cp-a/') === true, { timeoutMs: 10_000, what: 'A holds the lease' });
  await waitFor(async () => (await details(b.url)).processes.filter((p) => p.state === 'serving').length === 2, { timeoutMs: 10_000, what: 'both processes registered' });
  const onB = await details(b.url);
  assert.deepEqual(onB.processes.map((p) => p.id.split('/')[0]).sort(), ['cp-a', 'cp-b']);
  assert.equal(onB.checks.lease?.ok, true);
  assert.equal(onB.checks.reconciler, undefined, 'the reconciler runs in the holder, not in B');
  const onA = await details(stack.cpUrl);
  assert.equal(onA.checks.lease?.ok, true);
  assert.ok(onA.checks.reconciler, 'the holder reports its reconciler');
  // The public view (through Traefik's Host) says only ok/failing.
  const publicView = await apiOf(b.url)('GET', '/__heartbeat__');
  assert.deepEqual(publicView, { status: 200, json: { ok: true } });
  const metrics = await (await fetch(`${b.url}/metrics`)).text();
  assert.match(metrics, /berth_lease_holder\{holder="cp-a\/[^"]+"\} 1/);
  assert.match(metrics, /^berth_lease_held 0$/m);
});

test('a tenant created through the process without the lease is provisioned by the holder (the nudge crosses processes)', async () => {
  const api = apiOf(b.url);
  assert.equal((await api('GET', '/api/v1/csrf')).status, 200);
  assert.equal((await api('POST', '/api/v1/signup', { email: 'roles@example.com', password: 'correct horse battery' })).status, 201);
  assert.equal((await api('POST', '/api/v1/tenants', { slug: 'roles' })).status, 201);
  await waitFor(async () => (await api('GET', '/api/v1/tenants/roles')).json?.state === 'running', { timeoutMs: 60_000, intervalMs: 100, what: 'roles running' });
  assert.match(aLog(), /readiness changed/, 'A (the holder) probed it');
  assert.doesNotMatch(readFileSync(b.logPath, 'utf8'), /readiness changed/, 'B ran no background work');
});

test('a graceful stop releases the lease and the standby takes it at once; kill -9 moves it within the TTL', async () => {
  const before = (await holderOf(b.url))!;
  await stack.controlPlane.kill('SIGTERM');
  assert.match(aLog(), /lease released/);
  await waitFor(async () => (await holderOf(b.url))?.holder.startsWith('cp-b/') === true, { timeoutMs: 5_000, intervalMs: 50, what: 'B holds the lease' });
  assert.equal((await holderOf(b.url))!.epoch, before.epoch + 1);

  await stack.controlPlane.start();
  await waitFor(async () => (await details(stack.cpUrl)).processes.some((p) => p.id.startsWith('cp-a/') && p.state === 'serving'), { timeoutMs: 10_000, what: 'A registered again' });
  const killedAt = Date.now();
  await b.kill('SIGKILL');
  await waitFor(async () => (await holderOf(stack.cpUrl))?.holder.startsWith('cp-a/') === true, { timeoutMs: 15_000, intervalMs: 50, what: 'A takes over from a killed B' });
  console.log(`# kill -9 of the holder: A held the lease ${Date.now() - killedAt} ms later (TTL ${TIMINGS.BERTH_LEASE_TTL_MS} ms)`);
  assert.equal((await holderOf(stack.cpUrl))!.epoch, before.epoch + 2);
});

test('a holder paused past its TTL cannot write after another took over: it stops its loops and does not take the lease back', async () => {
  await b.start();
  const a = stack.controlPlane;
  const held = (await holderOf(b.url))!;
  assert.ok(held.holder.startsWith('cp-a/'));
  const logBefore = aLog().length;
  a.signal('SIGSTOP');
  try {
    await waitFor(async () => (await holderOf(b.url))?.holder.startsWith('cp-b/') === true, { timeoutMs: 15_000, intervalMs: 50, what: 'B takes over from a paused A' });
    // Desired state changes while A sleeps, so A's loops have work the moment it wakes.
    const api = apiOf(b.url);
    await api('GET', '/api/v1/csrf');
    assert.equal((await api('POST', '/api/v1/login', { email: 'roles@example.com', password: 'correct horse battery' })).status, 200);
    assert.equal((await api('POST', '/api/v1/tenants', { slug: 'roles-two' })).status, 201);
  } finally {
    a.signal('SIGCONT');
  }
  await waitFor(() => /background work stopped/.test(aLog().slice(logBefore)), { timeoutMs: 10_000, what: 'A stops its background work' });
  const after = aLog().slice(logBefore);
  assert.match(after, /renewal \d+ ms after the last one|LEASE_LOST/, 'stopped because its renewal was late or a write was fenced off');
  console.log(`# the paused holder on waking: ${after.split('\n').filter((l) => /background work stopped|LEASE_LOST/.test(l)).map((l) => l.slice(0, 300)).join(' | ')}`);
  const lease = (await holderOf(b.url))!;
  assert.ok(lease.holder.startsWith('cp-b/'), 'B still holds the lease');
  assert.equal(lease.epoch, held.epoch + 1);
  assert.doesNotMatch(after, /lease taken/, 'A did not take the lease back');
  assert.equal((await details(stack.cpUrl)).checks.reconciler, undefined, 'A runs no reconciler now');

  // No background action ran twice: each tenant has exactly one container.
  const api = apiOf(b.url);
  await api('GET', '/api/v1/csrf');
  await api('POST', '/api/v1/login', { email: 'roles@example.com', password: 'correct horse battery' });
  await waitFor(async () => (await api('GET', '/api/v1/tenants/roles-two')).json?.state === 'running', { timeoutMs: 60_000, intervalMs: 100, what: 'roles-two running' });
  for (const slug of ['roles', 'roles-two']) {
    const ids = (await docker('ps', '-aq', '--filter', `label=berth.instance=${stack.instance}`, '--filter', `label=berth.tenant=${slug}`)).split('\n').filter(Boolean);
    assert.equal(ids.length, 1, `${slug} has one container`);
  }
});
