// What ./berth bench density measures on the host: memory attributed to the platform's
// processes, the kernel and the containers, before and after a step, and CPU over a window.
import { docker } from '../src/docker-cli.js';
import type { Stack } from '../src/stack.js';
import { cgroupMemory, cgroupOf, cpuTicks, exeOf, memAvailableKib, meminfoKib, parentPid, processes, pssKib, rssKib } from './host-stats.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Groups {
  controlPlane: number[];
  traefik: number[];
  dockerd: number[];
  containerd: number[];
  shims: number[];
  tenants: number[];
}

async function runningIds(stack: Stack): Promise<string[]> {
  return (await docker('ps', '-q', '--no-trunc', '--filter', `label=berth.instance=${stack.instance}`, '--filter', 'label=berth.role=tenant')).split('\n').filter(Boolean);
}

function groupsOf(stack: Stack, ids: readonly string[]): Groups {
  const procs = processes();
  const idSet = new Set(ids);
  const inOurs = (pid: number) => {
    const m = /\/docker\/([0-9a-f]{64})/.exec(cgroupOf(pid));
    return m !== null && idSet.has(m[1]!);
  };
  const cp = stack.controlPlane.pid();
  return {
    // The control plane from source: its node process and the tsx loader's children, if any.
    controlPlane: procs.filter((p) => p.pid === cp || parentPid(p.pid) === cp).map((p) => p.pid),
    traefik: procs.filter((p) => p.cmdline.includes(`--configFile=${stack.dir}/traefik.yml`)).map((p) => p.pid),
    dockerd: procs.filter((p) => p.comm === 'dockerd').map((p) => p.pid),
    containerd: procs.filter((p) => p.comm === 'containerd').map((p) => p.pid),
    shims: procs.filter((p) => p.comm.startsWith('containerd-shim') && ids.some((id) => p.cmdline.includes(id))).map((p) => p.pid),
    tenants: procs.filter((p) => !p.comm.startsWith('containerd-shim') && inOurs(p.pid)).map((p) => p.pid),
  };
}

export interface MemorySnapshot {
  readonly memAvailableKib: number;
  readonly slabUnreclaimableKib: number;
  readonly controlPlaneKib: number;
  readonly traefikKib: number;
  readonly dockerdKib: number;
  readonly containerdKib: number;
  readonly shimsKib: number;
  readonly containersKib: number;
}

/** Averaged over five samples 200 ms apart (MemAvailable moves with every page-cache change). */
export async function memorySnapshot(stack: Stack): Promise<MemorySnapshot> {
  const ids = await runningIds(stack);
  const sum = (pids: number[], f: (pid: number) => number) => pids.reduce((s, p) => s + f(p), 0);
  const samples: MemorySnapshot[] = [];
  for (let i = 0; i < 5; i++) {
    const g = groupsOf(stack, ids);
    samples.push({
      memAvailableKib: memAvailableKib(),
      slabUnreclaimableKib: meminfoKib('SUnreclaim'),
      controlPlaneKib: sum(g.controlPlane, rssKib),
      traefikKib: sum(g.traefik, rssKib),
      dockerdKib: sum(g.dockerd, rssKib),
      containerdKib: sum(g.containerd, rssKib),
      shimsKib: sum(g.shims, pssKib),
      containersKib: ids.map(cgroupMemory).reduce((s, m) => s + (m ? m.rssBytes / 1024 : 0), 0),
    });
    await pause(200);
  }
  const avg = (k: keyof MemorySnapshot) => samples.reduce((s, x) => s + x[k], 0) / samples.length;
  return Object.fromEntries(Object.keys(samples[0]!).map((k) => [k, avg(k as keyof MemorySnapshot)])) as unknown as MemorySnapshot;
}

/**
 * Growth between two snapshots per instance added: attributed (the platform processes' RSS,
 * the shims' PSS, the containers' cgroup rss+mapped, the kernel's unreclaimable slab) and the
 * host's view (MemAvailable, which every other process on the host moves too).
 */
export function perInstance(before: MemorySnapshot, after: MemorySnapshot, n: number): { attributedKib: number; memAvailableKib: number; detail: string } {
  const d = (k: keyof MemorySnapshot) => (after[k] - before[k]) / n;
  const parts: [string, keyof MemorySnapshot][] = [
    ['containers', 'containersKib'], ['shims', 'shimsKib'], ['dockerd', 'dockerdKib'], ['containerd', 'containerdKib'],
    ['control plane', 'controlPlaneKib'], ['Traefik', 'traefikKib'], ['kernel slab', 'slabUnreclaimableKib'],
  ];
  return {
    attributedKib: parts.reduce((s, [, k]) => s + d(k), 0),
    memAvailableKib: -d('memAvailableKib'),
    detail: parts.map(([name, k]) => `${name} ${d(k).toFixed(0)}`).join(', ') + ' KiB',
  };
}

/** CPU of each group over a window, in % of one core (USER_HZ = 100: ticks per second = %). */
export async function cpuWindow(stack: Stack, seconds: number): Promise<{ seconds: number; platformPct: number; withAppsPct: number; detail: string; shimBinaries: string[] }> {
  const g = groupsOf(stack, await runningIds(stack));
  const ticks = () => Object.fromEntries(Object.entries(g).map(([k, pids]) => [k, (pids as number[]).reduce((s, p) => s + cpuTicks(p), 0)]));
  // The control plane's own processes one by one (node, its Litestream child), by command name.
  const names = new Map(processes().map((p) => [p.pid, p.comm]));
  const cpTicks = () => g.controlPlane.map((p) => cpuTicks(p));
  const before = ticks();
  const cpBefore = cpTicks();
  const t0 = performance.now();
  await pause(seconds * 1000);
  const after = ticks();
  const cpAfter = cpTicks();
  const elapsed = (performance.now() - t0) / 1000;
  const pct = Object.fromEntries(Object.keys(g).map((k) => [k, (after[k]! - before[k]!) / elapsed]));
  const platformPct = pct.controlPlane! + pct.traefik! + pct.dockerd! + pct.containerd! + pct.shims!;
  const cpSplit = g.controlPlane.map((p, i) => `${names.get(p) ?? p} ${((cpAfter[i]! - cpBefore[i]!) / elapsed).toFixed(2)}`).join(', ');
  // Which containerd shim the containers run: berth's build (infra/containerd-shim/) or the
  // distribution's, when dockerd was started without it on its PATH.
  const shimBinaries = [...new Set(g.shims.map(exeOf).filter(Boolean))];
  return {
    seconds: elapsed, platformPct, withAppsPct: platformPct + pct.tenants!, shimBinaries,
    detail: Object.entries(pct).map(([k, v]) => `${k} ${v.toFixed(2)} (${(g as unknown as Record<string, number[]>)[k]!.length} proc${k === 'controlPlane' ? `: ${cpSplit}` : ''})`).join(', '),
  };
}
