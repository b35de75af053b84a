// Issue 11, Metrics: a scrape of the control plane's /metrics (loopback) shows every metric
// named there with values from a real provision — instances by state, reconcile pass duration
// and errors, probe failures, Docker event lag, rollout progress, per-instance CPU, memory and
// disk, process metrics — and Traefik's own Prometheus metrics answer on its internal
// entrypoint. Neither is reachable through the public entrypoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@berth/common/wait-for';
import { startStack, type Stack } from '../src/stack.js';
import { createTenant, signUp, waitUntilServing } from '../src/session.js';
import { request } from '../src/https-client.js';
import { rollOut } from '../src/load/rollout-client.js';

const slug = 'metered';
let stack: Stack;

before(async () => {
  // One-second sampling, so the test sees two samples (CPU needs two) without waiting minutes.
  stack = await startStack({ env: { BERTH_RESOURCE_SAMPLE_INTERVAL_MS: '1000' } });
  const session = await signUp(stack, `ops-${stack.instance}@example.org`, 'correct horse battery staple');
  await createTenant(stack, session, slug);
  await waitUntilServing(stack, session, slug);
});

after(async () => {
  await stack?.stop();
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  return res.text();
}

/** The value of one series, by its full name and labels as written in the exposition. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('the control plane\'s scrape has every metric of the issue, with values from this provision', async () => {
  // The sampler's first pass waits a period; CPU needs a second sample of the same container.
  const text = await waitFor(async () => {
    const t = await scrape(`${stack.cpUrl}/metrics`);
    return value(t, `berth_instance_cpu_cores{tenant="${slug}"}`) !== undefined ? t : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250, what: 'a CPU sample of the tenant on /metrics' });

  assert.equal(value(text, 'berth_instances{state="running"}'), 1);
  assert.equal(value(text, 'berth_instances{state="error"}'), 0);
  assert.ok(value(text, 'berth_reconcile_pass_duration_seconds_count')! >= 1);
  assert.ok(value(text, 'berth_reconcile_pass_duration_seconds_bucket{le="+Inf"}')! >= 1);
  assert.equal(value(text, 'berth_reconcile_errors_total{kind="pass"}'), 0);
  assert.notEqual(value(text, 'berth_reconcile_errors_total{kind="step"}'), undefined);
  assert.notEqual(value(text, 'berth_probe_failures_total{phase="startup"}'), undefined);
  assert.notEqual(value(text, 'berth_probe_failures_total{phase="established"}'), undefined);
  assert.ok(value(text, 'berth_docker_event_lag_seconds_count')! >= 1, 'the container\'s start event was handled');
  assert.ok(value(text, 'berth_docker_event_last_lag_seconds')! >= 0);
  assert.ok(value(text, `berth_instance_memory_bytes{tenant="${slug}"}`)! > 1024 * 1024);
  assert.ok(value(text, `berth_instance_disk_bytes{tenant="${slug}"}`)! > 0, 'the volume holds the tenant database');
  assert.ok(value(text, `berth_instance_cpu_cores{tenant="${slug}"}`)! >= 0);
  assert.ok(value(text, 'berth_process_resident_memory_bytes')! > 1024 * 1024);
  assert.ok(value(text, 'berth_process_cpu_seconds_total')! > 0);
  assert.match(text, /^berth_process_event_loop_lag_seconds\{stat="p99"\} /m);
  assert.equal(value(text, 'berth_rollouts_active'), 0);
});

test('rollout progress: the tenants of a rollout by state', async () => {
  const { rollout } = await rollOut(stack, { image: 'berth/tenant:current', tenants: [slug] }, 120_000);
  const text = await scrape(`${stack.cpUrl}/metrics`);
  const states = ['pending', 'rolling', 'done', 'rolled_back', 'failed', 'skipped'];
  const counts = states.map((s) => value(text, `berth_rollout_tenants{rollout="${rollout.id}",state="${s}"}`));
  assert.ok(counts.every((n) => n !== undefined), `every state has a series: ${counts.join(', ')}`);
  assert.equal(counts.reduce((a, b) => a! + b!, 0), 1, 'the one tenant is counted once');
  assert.equal(value(text, `berth_rollout_tenants{rollout="${rollout.id}",state="pending"}`), 0, 'a finished rollout has none waiting');
});

test('Traefik\'s own metrics answer on its internal entrypoint, with this tenant\'s requests', async () => {
  const text = await scrape(`${stack.traefikApi}/metrics`);
  assert.match(text, /^traefik_config_reloads_total /m);
  assert.match(text, /^traefik_entrypoint_requests_total\{[^}]*entrypoint="websecure"[^}]*\} \d+/m);
  assert.match(text, new RegExp(`^traefik_service_requests_total\\{[^}]*service="t-${slug}@file"[^}]*\\} \\d+`, 'm'));
});

test('neither scrape is reachable through the public entrypoint', async () => {
  const cp = await request(`${stack.publicUrl}/metrics`, { agent: stack.agent });
  assert.equal(cp.status, 404);
  assert.doesNotMatch(cp.body, /berth_|traefik_/);
  const tenant = await request(`${stack.tenantUrl(slug)}/metrics`, { agent: stack.agent });
  assert.notEqual(tenant.status, 200, 'an anonymous request to a tenant host is sent to sign in');
  assert.doesNotMatch(tenant.body, /berth_|traefik_/);
});
