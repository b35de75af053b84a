// ./berth bench density — hibernation at scale: N registered instances of which M stay active
// with light traffic and the rest hibernate. Reports host memory per hibernated and per active
// idle instance, idle CPU of the control plane, Traefik, dockerd, containerd and the shims
// (% of one core), a route change's apply time (file written → visible in Traefik's API)
// p50/p95, wake time (a token client's first request → its 200 through Traefik) p50/p95 and
// failures, and provision p50 at that size against a raw `docker run` in the same run.
// Everything it creates is removed at the end. Last line: one JSON summary.
//   --tenants N   instances registered (default 2000; 10000 documented in the README)
//   --active M    of them kept active with light traffic (default 200)
//   --wakes W     hibernated instances woken, one after the other (default 20)
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SETTINGS } from '../../control-plane/src/config.js';
import { request } from '../src/https-client.js';
import { createTenant, signUp } from '../src/session.js';
import { startStack } from '../src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { assertImage, percentile, rawDockerRun, TENANT_IMAGE, untilServed } from './bench-tools.js';
import { containerCounts, createToken, follow, lightTraffic, registerSleepers, routeApplyTimes, untilAsleep, untilParked } from './density-steps.js';
import { cpuWindow, memorySnapshot, perInstance } from './density-stats.js';
import { wakeBreakdown } from './wake-breakdown.js';

function option(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const raw = args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive whole number, got ${raw}`);
  return n;
}

const N = option('tenants', 2000);
const WAKES = option('wakes', 20);
const ACTIVE = Math.min(option('active', 200), N - WAKES);
const PROVISIONS = 10;
const SLEEPERS = N - ACTIVE - WAKES - PROVISIONS;
if (SLEEPERS < 0) throw new Error(`--tenants ${N} is too few for ${ACTIVE} active, ${WAKES} woken and ${PROVISIONS} provisioned`);
// Idle long enough that light traffic (one request per active tenant every 20 s) keeps them awake.
const HIBERNATE_AFTER_S = 90;
const TRAFFIC_PERIOD_MS = 20_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const say = (line: string) => console.log(`${line}   [load ${load()}]`);

assertImage();
const productionResync = SETTINGS.find((s) => s.name === 'BERTH_RECONCILE_INTERVAL_MS')!.default;
const stack = await startStack({
  env: {
    BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_RECONCILE_INTERVAL_MS: productionResync, BERTH_HIBERNATE_AFTER_S: String(HIBERNATE_AFTER_S),
    BERTH_READY_TIMEOUT_MS: '60000', BERTH_STOP_GRACE_S: '5',
  },
});
const stopTraffic = new AbortController();
// Interrupted (Ctrl-C, a timeout's SIGTERM): everything created still goes.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  // `on`, not `once`: a second signal (timeout(1) and a shell both forward one) must not cut the clean-up short.
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    stopTraffic.abort();
    console.error(`${sig}: removing what the benchmark created`);
    void stack.stop().finally(() => process.exit(130));
  });
}
try {
  await waitFor(async () => (await request(`${stack.publicUrl}/__lbheartbeat__`, { agent: stack.agent })).status === 200, { timeoutMs: 20_000, what: 'control plane through Traefik' });
  const session = await signUp(stack, 'density@example.com', 'benchmark password 1');
  say(`density benchmark: ${N} instances (${SLEEPERS} registered asleep, ${ACTIVE} active, ${WAKES} to wake, ${PROVISIONS} provisioned at size) of ${TENANT_IMAGE}, instance ${stack.instance}`);

  // 1. Sleepers: registered, their volumes and stopped containers created by the reconciler.
  const m0 = await memorySnapshot(stack);
  const r0 = performance.now();
  registerSleepers(stack, session.userId, session.email, TENANT_IMAGE, Array.from({ length: SLEEPERS }, (_, i) => `sleep-${i}`));
  // Each batch nudges the reconciler, as the API does (the periodic resync is minutes away).
  for (let last = -1; ;) {
    const { all } = await containerCounts(stack);
    if (all >= SLEEPERS) break;
    if (all !== last && Math.floor(all / 500) !== Math.floor(last / 500)) say(`  ${all} sleepers' containers created (${((performance.now() - r0) / 1000).toFixed(0)} s)`);
    if (performance.now() - r0 > 60_000 + SLEEPERS * 500) throw new Error(`only ${all} of ${SLEEPERS} sleepers' containers after ${((performance.now() - r0) / 1000).toFixed(0)} s`);
    last = all;
    await pause(3000);
  }
  say(`  ${SLEEPERS} sleepers registered, each with its volume and a stopped container, in ${((performance.now() - r0) / 1000).toFixed(0)} s; settling 20 s`);
  await pause(20_000);
  const m1 = await memorySnapshot(stack);
  const hib = perInstance(m0, m1, SLEEPERS);
  say(`memory per hibernated instance: ${hib.attributedKib.toFixed(0)} KiB attributed (${hib.detail}); MemAvailable view ${hib.memAvailableKib.toFixed(0)} KiB`);

  // 2. Active instances (and the ones to wake later) through the API, in batches of 10.
  const tokens = new Map<string, string>();
  const traffic = lightTraffic(stack, tokens, TRAFFIC_PERIOD_MS, stopTraffic.signal);
  const wakeSlugs = Array.from({ length: WAKES }, (_, i) => `wake-${i}`);
  const activeSlugs = Array.from({ length: ACTIVE }, (_, i) => `active-${i}`);
  const wakeTokens = new Map<string, string>();
  const a0 = performance.now();
  const created = [...activeSlugs, ...wakeSlugs];
  for (let i = 0; i < created.length; i += 10) {
    const batch = created.slice(i, i + 10);
    const t0 = performance.now();
    await Promise.all(batch.map((slug) => createTenant(stack, session, slug)));
    await Promise.all(batch.map((slug) => untilServed(stack, slug, t0, 300_000, 250)));
    for (const slug of batch) (slug.startsWith('wake-') ? wakeTokens : tokens).set(slug, await createToken(stack, session, slug));
    if ((i / 10) % 5 === 4 || i + 10 >= created.length) say(`  ${i + batch.length} instances serving (${((performance.now() - a0) / 1000).toFixed(0)} s)`);
  }
  say(`  waiting for the ${WAKES} instances without traffic to hibernate (after ${HIBERNATE_AFTER_S} s idle)`);
  await untilAsleep(stack, wakeSlugs, (HIBERNATE_AFTER_S + 180) * 1000);
  await pause(10_000);
  const m2 = await memorySnapshot(stack);
  const act = perInstance(m1, m2, ACTIVE);
  say(`memory per active idle instance: ${(act.attributedKib / 1024).toFixed(1)} MiB attributed (${act.detail}); MemAvailable view ${(act.memAvailableKib / 1024).toFixed(1)} MiB`);
  const counts = await containerCounts(stack);
  say(`containers: ${counts.all} (${counts.running} running); hibernated instances have no process: ${counts.running === ACTIVE ? 'yes' : `NO (${counts.running} running, ${ACTIVE} active)`}`);

  // 3. Idle CPU with the light traffic on, once Litestream has parked every sleeper (registered
  // all at once, each is opened once first: at 10,000 that takes minutes).
  const asleep = SLEEPERS + WAKES;
  const q0 = performance.now();
  const parked = await untilParked(stack, asleep, 20 * 60_000);
  const parkedWaitS = (performance.now() - q0) / 1000;
  say(`  ${parked} of ${asleep} sleepers parked in Litestream (waited ${parkedWaitS.toFixed(0)} s${parked < asleep ? ', gave up' : ''})`);
  // 60 s: the periodic work (probes every 10 s, backup passes, Litestream's full syncs every
  // 10 s, each shim's own timers) averages out; over 30 s, runs of the same code differed by 2-3
  // points of a core.
  const cpu = await cpuWindow(stack, 60);
  say(`idle CPU over ${cpu.seconds.toFixed(0)} s with ${ACTIVE} active (light traffic) and ${N - ACTIVE} hibernated (% of one core): ${cpu.detail}`);
  say(`  containerd shim: ${cpu.shimBinaries.join(', ') || 'none found'}`);
  say(`        control plane + Traefik + dockerd + containerd + shims = ${cpu.platformPct.toFixed(2)}% (target ≤ 12); with the ${ACTIVE} tenant apps ${cpu.withAppsPct.toFixed(2)}%`);

  // 4. Route apply time at this size.
  const apply = await routeApplyTimes(stack, 10);
  say(`route change → visible in Traefik's API (${apply.length} changes): p50 ${percentile(apply, 50).toFixed(0)} ms, p95 ${percentile(apply, 95).toFixed(0)} ms`);

  // 5. Wakes: a token client's GET, 307s followed, until its 200.
  const wakeMs: number[] = [];
  const marks: { slug: string; at: number; ms: number }[] = [];
  let wakeFailed = 0;
  for (const slug of wakeSlugs) {
    const at = Date.now();
    const t0 = performance.now();
    try {
      const { res, hops } = await follow(stack, `${stack.tenantUrl(slug)}/api/tables`, { authorization: `Bearer ${wakeTokens.get(slug)}`, accept: 'application/json' });
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`HTTP ${res.status} ${res.body.slice(0, 200)}`);
      wakeMs.push(ms);
      marks.push({ slug, at, ms });
      console.log(`  ${slug}: 200 after ${ms.toFixed(0)} ms (${hops} redirect${hops === 1 ? '' : 's'})`);
    } catch (err) {
      wakeFailed++;
      console.log(`  ${slug}: FAILED ${(err as Error).message}`);
    }
    await pause(1000);
  }
  const wakeP50 = wakeMs.length ? percentile(wakeMs, 50) : NaN;
  const wakeP95 = wakeMs.length ? percentile(wakeMs, 95) : NaN;
  say(`wake (first request → 200 through Traefik): p50 ${wakeP50.toFixed(0)} ms, p95 ${wakeP95.toFixed(0)} ms, ${wakeFailed} failed of ${WAKES}`);
  console.log(`  where it went (median): ${wakeBreakdown(readFileSync(`${stack.logDir}/control-plane.log`, 'utf8'), marks)}`);

  // 6. Provisioning at this size, alternating with the raw `docker run` baseline. Two moments
  // from the sign-up call: the owner's first request answered (a token made right after the
  // sign-up, its GET sent at once and polled until 200: the waker holds it and forwards it as
  // soon as the container is ready, as for a wake), and the tenant's own route served by
  // Traefik (its anonymous /__lbheartbeat__, which nothing holds, polled every 10 ms).
  const prov: number[] = [];
  const routed: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < PROVISIONS; i++) {
    const slug = `more-${i}`;
    const t0 = performance.now();
    await createTenant(stack, session, slug);
    const token = await createToken(stack, session, slug);
    await waitFor(async () => (await follow(stack, `${stack.tenantUrl(slug)}/api/tables`, { authorization: `Bearer ${token}`, accept: 'application/json' })).res.status === 200,
      { timeoutMs: 120_000, intervalMs: 10, what: `${slug}'s owner's first request answered` });
    prov.push(performance.now() - t0);
    routed.push(await untilServed(stack, slug, t0, 120_000));
    raw.push(await rawDockerRun(stack.network, `berth.instance=${stack.instance}`));
  }
  const provP50 = percentile(prov, 50);
  const routedP50 = percentile(routed, 50);
  const rawP50 = percentile(raw, 50);
  say(`provision at ${N} registered (sign-up → the owner's first request answered): p50 ${provP50.toFixed(0)} ms against raw docker run p50 ${rawP50.toFixed(0)} ms (×${(provP50 / rawP50).toFixed(2)}, target ≤ 1.2); until Traefik serves its route p50 ${routedP50.toFixed(0)} ms (×${(routedP50 / rawP50).toFixed(2)})`);
  say(`light traffic: ${traffic.sent()} requests, ${traffic.failed()} not 200`);
  stopTraffic.abort();
  await traffic.done;

  console.log(JSON.stringify({
    bench: 'density', tenants: N, active: ACTIVE, hibernated: N - ACTIVE - PROVISIONS, load: load(),
    hibernated_kib: Math.round(hib.attributedKib), hibernated_kib_memavailable: Math.round(hib.memAvailableKib),
    active_idle_mib: round1(act.attributedKib / 1024), active_idle_mib_memavailable: round1(act.memAvailableKib / 1024),
    hibernated_processes: counts.running - ACTIVE, sleepers_parked: parked, parked_wait_s: Math.round(parkedWaitS), idle_cpu_pct: round1(cpu.platformPct), idle_cpu_pct_with_apps: round1(cpu.withAppsPct),
    route_apply_p50_ms: Math.round(percentile(apply, 50)), route_apply_p95_ms: Math.round(percentile(apply, 95)),
    wake_p50_ms: Math.round(wakeP50), wake_p95_ms: Math.round(wakeP95), wake_failed: wakeFailed,
    provision_p50_ms: Math.round(provP50), raw_docker_run_p50_ms: Math.round(rawP50), provision_ratio: Number((provP50 / rawP50).toFixed(2)),
    provision_routed_p50_ms: Math.round(routedP50), provision_routed_ratio: Number((routedP50 / rawP50).toFixed(2)),
    traffic_requests: traffic.sent(), traffic_failed: traffic.failed(), shim: cpu.shimBinaries.join(' '),
  }));
} finally {
  stopTraffic.abort();
  const s0 = performance.now();
  await stack.stop();
  console.error(`cleaned up (containers, volumes, network of ${stack.instance}) in ${((performance.now() - s0) / 1000).toFixed(0)} s`);
}

function round1(n: number): number {
  return Number(n.toFixed(1));
}
