// ./berth bench density — 200 idle tenants through the control plane: host memory per idle
// tenant, Traefik's memory, the idle CPU of berth + Traefik + dockerd + containerd + shims
// (health probing included) over 30 s, and the time for one more provision at that size.
// Last line: one JSON summary.
import { readFileSync } from 'node:fs';
import { SETTINGS } from '../../control-plane/src/config.js';
import { createApiClient } from '../../control-plane/test/integration/api-client.js';
import { docker } from '../src/docker-cli.js';
import { request } from '../src/https-client.js';
import { startStack, type Stack } from '../src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { assertImage, TENANT_IMAGE, untilServed } from './bench-tools.js';
import { cgroupMemory, cgroupOf, cpuTicks, envOf, memAvailableKib, processes, rssKib } from './host-stats.js';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 200);
const BATCH = 20;
const IDLE_WINDOW_S = 30;
const MIB = 1024 * 1024;

function countLogLines(stack: Stack, needle: string): number {
  return readFileSync(`${stack.logDir}/control-plane.log`, 'utf8').split('\n').filter((l) => l.includes(needle)).length;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** MemAvailable averaged over a few samples (it moves with every page-cache change). */
async function memAvailableMib(): Promise<number> {
  let sum = 0;
  for (let i = 0; i < 5; i++) {
    sum += memAvailableKib();
    await pause(200);
  }
  return sum / 5 / 1024;
}

async function ourContainerIds(stack: Stack): Promise<string[]> {
  return (await docker('ps', '-q', '--no-trunc', '--filter', `label=berth.instance=${stack.instance}`, '--filter', 'label=berth.role=tenant')).split('\n').filter(Boolean);
}

function pidsOf(stack: Stack, containerIds: readonly string[]) {
  const procs = processes();
  const ids = new Set(containerIds);
  const inOurContainer = (pid: number) => {
    const cg = cgroupOf(pid);
    return [...ids].some((id) => cg.includes(id));
  };
  return {
    controlPlane: procs.filter((p) => p.cmdline.includes('control-plane/src/main.ts') && envOf(p.pid).includes(`BERTH_INSTANCE=${stack.instance}\0`)).map((p) => p.pid),
    traefik: procs.filter((p) => p.cmdline.includes(`--configFile=${stack.dir}/traefik.yml`)).map((p) => p.pid),
    dockerd: procs.filter((p) => p.comm === 'dockerd').map((p) => p.pid),
    containerd: procs.filter((p) => p.comm === 'containerd').map((p) => p.pid),
    shims: procs.filter((p) => p.comm.startsWith('containerd-shim') && [...ids].some((id) => p.cmdline.includes(id))).map((p) => p.pid),
    tenants: procs.filter((p) => !p.comm.startsWith('containerd-shim') && inOurContainer(p.pid)).map((p) => p.pid),
  };
}

assertImage();
// Test stacks resync every 2 s to converge quickly; idle cost is measured at the shipped default.
const productionResync = SETTINGS.find((s) => s.name === 'BERTH_RECONCILE_INTERVAL_MS')!.default;
const stack = await startStack({ env: { BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_LOG_LEVEL: 'info', BERTH_RECONCILE_INTERVAL_MS: productionResync } });
try {
  await waitFor(async () => (await request(`${stack.publicUrl}/__lbheartbeat__`, { agent: stack.agent })).status === 200, { timeoutMs: 20_000, what: 'control plane through Traefik' });
  const api = createApiClient(stack.publicUrl, stack.agent);
  await api.signUp('density@example.com', 'benchmark password 1');
  console.log(`density benchmark: ${TENANTS} tenants of ${TENANT_IMAGE}, instance ${stack.instance}`);
  const memBefore = await memAvailableMib();

  const started = performance.now();
  for (let i = 0; i < TENANTS; i += BATCH) {
    const slugs = Array.from({ length: Math.min(BATCH, TENANTS - i) }, (_, j) => `dense-${i + j}`);
    const t0 = performance.now();
    await Promise.all(slugs.map((slug) => api.createTenant(slug)));
    // Polled gently: 20 pollers at 10 ms would themselves load Traefik and the CPU.
    await Promise.all(slugs.map((slug) => untilServed(stack, slug, t0, 300_000, 250)));
    console.log(`  ${i + slugs.length} tenants serving (batch of ${slugs.length} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(`  all ${TENANTS} serving after ${((performance.now() - started) / 1000).toFixed(0)} s; letting them settle`);
  await pause(20_000);

  const ids = await ourContainerIds(stack);
  const memAfter = await memAvailableMib();
  const hostMibPerTenant = (memBefore - memAfter) / TENANTS;
  const cg = ids.map(cgroupMemory).filter((m) => m !== null);
  const cgRss = cg.reduce((s, m) => s + m.rssBytes, 0) / MIB / cg.length;
  const cgUsage = cg.reduce((s, m) => s + m.usageBytes, 0) / MIB / cg.length;
  const pids = pidsOf(stack, ids);
  const shimMib = pids.shims.reduce((s, p) => s + rssKib(p), 0) / 1024 / Math.max(1, pids.shims.length);
  const traefikMib = pids.traefik.reduce((s, p) => s + rssKib(p), 0) / 1024;
  const cpMib = pids.controlPlane.reduce((s, p) => s + rssKib(p), 0) / 1024;
  console.log(`memory: MemAvailable ${memBefore.toFixed(0)} → ${memAfter.toFixed(0)} MiB = ${hostMibPerTenant.toFixed(1)} MiB per tenant (host view: app, shim, kernel, page cache growth)`);
  console.log(`        per container cgroup: rss+mapped ${cgRss.toFixed(1)} MiB, usage incl. cache ${cgUsage.toFixed(1)} MiB; containerd-shim RSS ${shimMib.toFixed(1)} MiB each (${pids.shims.length} shims)`);
  console.log(`        Traefik RSS ${traefikMib.toFixed(1)} MiB; control plane RSS ${cpMib.toFixed(1)} MiB`);

  const groups = { berth: pids.controlPlane, traefik: pids.traefik, dockerd: pids.dockerd, containerd: pids.containerd, shims: pids.shims, tenants: pids.tenants };
  const routeWritesBefore = countLogLines(stack, '"route written"');
  const readinessBefore = countLogLines(stack, '"readiness changed"');
  const ticksBefore = Object.fromEntries(Object.entries(groups).map(([k, ps]) => [k, ps.reduce((s, p) => s + cpuTicks(p), 0)]));
  const w0 = performance.now();
  await pause(IDLE_WINDOW_S * 1000);
  const seconds = (performance.now() - w0) / 1000;
  const pct = Object.fromEntries(Object.entries(groups).map(([k, ps]) => [k, (ps.reduce((s, p) => s + cpuTicks(p), 0) - ticksBefore[k]!) / seconds]));
  const idleCpu = pct.berth! + pct.traefik! + pct.dockerd! + pct.containerd! + pct.shims!;
  console.log(`idle CPU over ${seconds.toFixed(0)} s (% of one core): ${Object.entries(pct).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  console.log(`        berth + Traefik + dockerd + containerd + shims = ${idleCpu.toFixed(2)}% (dockerd/containerd are shared with anything else on the host)`);
  console.log(`        during the window: ${countLogLines(stack, '"route written"') - routeWritesBefore} route writes, ${countLogLines(stack, '"readiness changed"') - readinessBefore} readiness changes (each route change rebuilds Traefik's whole config)`);

  const t0 = performance.now();
  await api.createTenant('dense-one-more');
  const oneMore = await untilServed(stack, 'dense-one-more', t0);
  console.log(`one more provision at ${TENANTS} tenants: ${oneMore.toFixed(0)} ms`);
  console.log(JSON.stringify({
    bench: 'density', tenants: TENANTS, mib_per_tenant: Number(hostMibPerTenant.toFixed(1)), traefik_mib: Number(traefikMib.toFixed(1)),
    idle_cpu_pct: Number(idleCpu.toFixed(2)), provision_ms_at_size: Math.round(oneMore),
  }));
} finally {
  await stack.stop();
}
