// Crash safety: SIGKILL the control plane at many different moments of a burst of instance
// creations and deletions, restart it each time, and require convergence afterwards: every
// live tenant has exactly one running, healthy, routed container; no managed container lacks
// a live tenant; no live tenant's volume was lost (or silently recreated).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../../../e2e/src/docker-cli.js';
import { request } from '../../../e2e/src/https-client.js';
import { startStack, type Stack } from '../../../e2e/src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { createApiClient } from './api-client.js';
import { assertImageExists, TENANT_IMAGE } from './harness.js';

const ROUNDS = 22;
let stack: Stack | undefined;

after(async () => {
  await stack?.stop();
});

async function managed(s: Stack): Promise<{ tenant: string; state: string }[]> {
  const out = await docker('ps', '-a', '--filter', `label=berth.instance=${s.instance}`, '--filter', 'label=berth.role=tenant',
    '--format', '{{.Label "berth.tenant"}} {{.State}}');
  return out.split('\n').filter(Boolean).map((l) => {
    const [tenant, state] = l.split(' ');
    return { tenant: tenant!, state: state! };
  });
}

async function volumeExists(name: string): Promise<boolean> {
  return docker('volume', 'inspect', name).then(() => true, () => false);
}

/** Runs node in the tenant's running container (the image has no shell); null if none runs. */
async function execIn(s: Stack, slug: string, script: string): Promise<string | null> {
  const id = await docker('ps', '-q', '--filter', `label=berth.instance=${s.instance}`, '--filter', `label=berth.tenant=${slug}`, '--filter', 'status=running');
  if (!id || id.includes('\n')) return null;
  return docker('exec', id, 'node', '-e', script).catch(() => null);
}

// A file written into the volume while the tenant ran: still there at the end means the
// volume was never removed and recreated.
const writeMarker = (slug: string) => `require('fs').writeFileSync('/data/crash-marker', '${slug}'); console.log('ok')`;
const readMarker = "try { console.log(require('fs').readFileSync('/data/crash-marker', 'utf8')) } catch { console.log('missing') }";

test(`SIGKILL at ${ROUNDS} moments during creations and deletions, then convergence`, { timeout: 600_000 }, async (t) => {
  assertImageExists();
  stack = await startStack({
    env: { BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_RECONCILE_INTERVAL_MS: '1000', BERTH_PROBE_INTERVAL_MS: '500', BERTH_STOP_GRACE_S: '5', BERTH_LOG_LEVEL: 'debug' },
  });
  const s = stack;
  const api = createApiClient(s.publicUrl, s.agent);
  await waitFor(async () => (await request(`${s.publicUrl}/__lbheartbeat__`, { agent: s.agent })).status === 200, { timeoutMs: 20_000, what: 'control plane through Traefik' });
  await api.signUp('crash@example.com', 'a long enough password');

  const live: string[] = [];
  const deleted: string[] = [];
  // Deleted tenants whose volume existed when the deletion was asked for: a tenant deleted
  // before any reconcile pass reached it (the kills come fast) never had one to keep.
  const hadVolume = new Set<string>();
  const marked = new Set<string>();
  const moments: string[] = [];
  let next = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (!s.controlPlane.running()) {
      await s.controlPlane.start();
      // Traefik balances over the control plane with a health check (1 s interval): the restarted
      // process is back in the pool once a check has seen it, not when it starts listening.
      await waitFor(async () => (await request(`${s.publicUrl}/__lbheartbeat__`, { agent: s.agent })).status === 200, { timeoutMs: 20_000, what: 'the restarted control plane through Traefik' });
    }
    const creates = [`crash${next++}`, `crash${next++}`];
    const victim = round % 2 === 1 && live.length > 2 ? live.shift()! : null;
    if (victim && (await volumeExists(`berth-${s.instance}-${victim}`))) hadVolume.add(victim);
    await Promise.all([...creates.map((slug) => api.createTenant(slug)), ...(victim ? [api.deleteTenant(victim)] : [])]);
    live.push(...creates);
    if (victim) deleted.push(victim);
    // The kill moment is the variable under test: spread over the first ~2 s of the burst
    // (volume create, container create/start, readiness, route write/confirm, stop/remove).
    const delayMs = Math.round((round * 2000) / ROUNDS);
    await new Promise((r) => setTimeout(r, delayMs));
    const seen = await managed(s);
    const routes = readdirSync(s.routesDir).filter((f) => f.startsWith('t-')).length;
    await s.controlPlane.kill('SIGKILL');
    moments.push(`${delayMs}ms: ${seen.length} containers (${seen.filter((c) => c.state === 'running').length} running), ${routes} routes`);
    for (const slug of live) {
      if (!marked.has(slug) && (await execIn(s, slug, writeMarker(slug))) === 'ok') marked.add(slug);
    }
  }
  t.diagnostic(`kill moments: ${moments.join('; ')}`);

  await s.controlPlane.start();
  const started = Date.now();
  await waitFor(async () => {
    const containers = await managed(s);
    for (const slug of live) {
      const mine = containers.filter((c) => c.tenant === slug);
      if (mine.length !== 1 || mine[0]!.state !== 'running') return false;
    }
    return containers.every((c) => live.includes(c.tenant));
  }, { timeoutMs: 120_000, intervalMs: 250, what: 'one running container per live tenant, none other' });
  for (const slug of live) {
    await waitFor(async () => (await request(`${s.tenantUrl(slug)}/__lbheartbeat__`, { agent: s.agent })).status === 200, { timeoutMs: 30_000, what: `${slug} through Traefik` });
    await waitFor(async () => (await api.tenant(slug))?.state === 'running', { timeoutMs: 30_000, what: `${slug} state running` });
  }
  t.diagnostic(`converged ${Date.now() - started} ms after the last restart: ${live.length} live, ${deleted.length} deleted (${hadVolume.size} with a volume when deleted)`);
  assert.ok(hadVolume.size > 0, 'at least one deleted tenant had a volume to keep');

  for (const slug of deleted) {
    assert.equal((await request(`${s.tenantUrl(slug)}/__lbheartbeat__`, { agent: s.agent })).status, 404, `${slug} is not routed`);
    if (hadVolume.has(slug)) assert.ok(await volumeExists(`berth-${s.instance}-${slug}`), `deleted ${slug} keeps its volume during retention`);
  }
  assert.ok(marked.size >= live.length / 2, `marked ${marked.size} of ${live.length} live volumes during the burst`);
  for (const slug of live) {
    assert.ok(await volumeExists(`berth-${s.instance}-${slug}`), `${slug}'s volume exists`);
    if (marked.has(slug)) assert.equal(await execIn(s, slug, readMarker), slug, `${slug}'s volume kept its data`);
  }
  const containers = await managed(s);
  assert.equal(containers.length, live.length, 'exactly one container per live tenant');
  const files = readdirSync(s.routesDir).filter((f) => f.startsWith('t-')).sort();
  assert.deepEqual(files, live.map((slug) => `t-${slug}.yml`).sort(), 'one route file per live tenant, none for deleted ones');
  const temps = [...readdirSync(s.routesDir), ...readdirSync(join(s.routesDir, '.staging'))].filter((f) => f.includes('.tmp-'));
  assert.deepEqual(temps, [], 'no temp files left behind');
});
