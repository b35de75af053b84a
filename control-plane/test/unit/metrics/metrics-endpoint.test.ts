// /metrics, the resource history and the admin page's charts through inject(), on a real
// SQLite file. No Docker here: samples are recorded through the history store's one writer,
// as the sampler does, and tenant states through the status store, as the reconciler does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, startTestApp, type TestApp } from '../http/test-app.js';
import { setAdmin } from '../../../src/auth/users.js';
import { createStatusStore } from '../../../src/reconcile/status-store.js';
import { HISTORY_MS, historySince, latestSamples, pruneSamples, recordSample } from '../../../src/metrics/resource-history.js';
import { cpuCoresBetween } from '../../../src/metrics/sample-resources.js';
import { requireTenantBySlug } from './tenant-ids.js';

let t: TestApp;
let admin: Browser;
const MIB = 1048576;

before(async () => {
  t = await startTestApp({ BERTH_RESOURCE_SAMPLE_INTERVAL_MS: '60000' });
  admin = new Browser(t);
  await admin.signUpWithForm('ops@example.com');
  setAdmin(t.db, 'ops@example.com', true, 'test', Date.now());
  for (const slug of ['alpha', 'bravo', 'gone']) assert.equal((await admin.api('POST', '/api/v1/tenants', { slug })).statusCode, 201);
  const status = createStatusStore(t.db);
  const base = { detail: null, containerId: 'c', image: 'berth/tenant:current', readyAt: null };
  status.write(new Map([
    [requireTenantBySlug(t.db, 'alpha'), { ...base, state: 'running' as const }],
    [requireTenantBySlug(t.db, 'bravo'), { ...base, state: 'starting' as const }],
  ]), Date.now());
});
after(() => t.close());

const scrape = (host: string) => t.app.inject({ method: 'GET', url: '/metrics', headers: { host } });

test('the history keeps a day: older samples are pruned, a deleted tenant is skipped', () => {
  const now = Date.now();
  const alpha = requireTenantBySlug(t.db, 'alpha');
  recordSample(t.db, alpha, { at: now - HISTORY_MS - 1000, cpuCores: 0.5, memoryBytes: 1, diskBytes: 1 });
  recordSample(t.db, alpha, { at: now - 120_000, cpuCores: null, memoryBytes: 20 * MIB, diskBytes: 3 * MIB });
  recordSample(t.db, alpha, { at: now - 60_000, cpuCores: 0.02, memoryBytes: 22 * MIB, diskBytes: 3 * MIB });
  recordSample(t.db, 987654, { at: now, cpuCores: 1, memoryBytes: 1, diskBytes: 1 });
  assert.equal(pruneSamples(t.db, now), 1);
  const history = historySince(t.db, now - HISTORY_MS);
  assert.deepEqual([...history.keys()], ['alpha']);
  assert.deepEqual(history.get('alpha')!.map((s) => s.memoryBytes), [20 * MIB, 22 * MIB]);
  assert.deepEqual(latestSamples(t.db, now - 120_000).get('alpha'), { at: now - 60_000, cpuCores: 0.02, memoryBytes: 22 * MIB, diskBytes: 3 * MIB });
  assert.equal(latestSamples(t.db, now - 30_000).size, 0, 'a stale sample is not the latest value');
});

test('CPU is the CPU time between two samples over the wall time between them', () => {
  assert.equal(cpuCoresBetween(undefined, { ns: 5e9, at: 10_000 }), null);
  assert.equal(cpuCoresBetween({ ns: 1e9, at: 0 }, { ns: 3e9, at: 4000 }), 0.5);
  assert.equal(cpuCoresBetween({ ns: 9e9, at: 0 }, { ns: 1e9, at: 4000 }), null, 'a restarted container starts its counter over');
});

test('/metrics on loopback: instances by state, process, reconcile, probe, event lag, rollout and resource metrics', async () => {
  const res = await scrape(`127.0.0.1:${t.config.httpPort}`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = res.body;
  assert.match(text, /^# TYPE berth_instances gauge$/m);
  // alpha running, bravo starting, gone never observed (unknown); every state has a series.
  assert.match(text, /^berth_instances\{state="running"\} 1$/m);
  assert.match(text, /^berth_instances\{state="starting"\} 1$/m);
  assert.match(text, /^berth_instances\{state="unknown"\} 1$/m);
  assert.match(text, /^berth_instances\{state="error"\} 0$/m);
  assert.match(text, /^berth_instance_memory_bytes\{tenant="alpha"\} 23068672$/m);
  assert.match(text, /^berth_instance_cpu_cores\{tenant="alpha"\} 0\.02$/m);
  assert.match(text, /^berth_instance_disk_bytes\{tenant="alpha"\} 3145728$/m);
  for (const name of ['berth_reconcile_pass_duration_seconds_count', 'berth_reconcile_errors_total{kind="pass"}', 'berth_probe_failures_total{phase="established"}',
    'berth_docker_event_lag_seconds_count', 'berth_rollouts_active', 'berth_process_resident_memory_bytes', 'berth_process_cpu_seconds_total']) {
    assert.ok(text.split('\n').some((l) => l.startsWith(`${name} `)), `${name} in the scrape`);
  }
  assert.match(text, /^berth_process_event_loop_lag_seconds\{stat="p99"\} [0-9.e-]+$/m);
});

test('/metrics shows a rollout\'s progress per state', async () => {
  const res = await admin.api('POST', '/api/v1/rollouts', { image: 'berth/tenant:v2', tenants: ['alpha', 'bravo'] });
  assert.equal(res.statusCode, 201);
  const text = (await scrape('127.0.0.1')).body;
  const id = res.json().id;
  assert.match(text, /^berth_rollouts_active 1$/m);
  assert.match(text, new RegExp(`^berth_rollout_tenants\\{rollout="${id}",state="pending"\\} 2$`, 'm'));
  assert.match(text, new RegExp(`^berth_rollout_tenants\\{rollout="${id}",state="done"\\} 0$`, 'm'));
});

test('/metrics does not exist through the public host', async () => {
  const res = await scrape(t.config.domain);
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().error.code, 'NOT_FOUND');
  assert.doesNotMatch(res.body, /berth_/);
  const tenantHost = await scrape(`alpha.${t.config.domain}`);
  assert.equal(tenantHost.statusCode, 404);
});

test('the admin page shows CPU, memory and disk with a 24-hour chart per instance', async () => {
  const page = await admin.request({ method: 'GET', url: '/admin' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<th class="num">CPU <span class="muted small">\(24 h\)<\/span><\/th>/);
  const row = page.body.split('<tr>').find((r) => r.includes('>alpha</a>'))!;
  assert.match(row, /2\.0 %/);
  assert.match(row, /22\.0 MiB/);
  assert.match(row, /3\.0 MiB/);
  assert.match(row, /<svg class="chart"[^>]* aria-label="Memory of alpha, last 24 hours: peak 22\.0 MiB"/);
  assert.match(row, /<polyline points="[0-9., ]+"/, 'two memory samples a period apart are joined');
  // CPU has one measured sample: a dot, not a line.
  assert.match(row, /aria-label="CPU of alpha, last 24 hours: peak 2\.0 %"[\s\S]*?<circle /);
  const bravo = page.body.split('<tr>').find((r) => r.includes('>bravo</a>'))!;
  assert.doesNotMatch(bravo, /<svg/, 'no samples, no chart');
  assert.doesNotMatch(page.body, /<script src=|<link /, 'no external assets');
});
