// Memory of one container, read where the kernel keeps it (Docker 20.10 here: cgroup v1 with
// the cgroupfs driver). Two figures, because they answer different questions:
//  - the tenant's node process's peak resident set (VmHWM in /proc/<host pid>/status): what
//    the import costs the process, the figure the target is stated in;
//  - the container cgroup's anonymous memory (memory.stat total_rss), sampled: every process
//    of the container together, without the page cache that writing the upload and the
//    database file adds to memory.usage_in_bytes (reclaimable, but charged to the cgroup).
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { docker } from '../docker-cli.js';

export function cgroupMemoryDir(containerId: string): string {
  return `/sys/fs/cgroup/memory/docker/${containerId}`;
}

/** Host PIDs of the container's node processes (the app; the SQL process if it runs), not the init. */
export async function nodePids(containerId: string): Promise<number[]> {
  const out = await docker('top', containerId, '-eo', 'pid,comm');
  // Node 24 names its main thread, and so the process's comm, "MainThread"; older Nodes left "node".
  return out.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter(([, comm]) => comm === 'node' || comm === 'MainThread').map(([pid]) => Number(pid));
}

/** Peak resident set of a process (VmHWM), in MiB. */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(m[1]) / 1024;
}

function readStat(dir: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(`${dir}/memory.stat`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

export interface MemorySampler {
  /** Stops sampling; peaks in MiB. */
  stop(): Promise<{ peakAnonMiB: number; peakUsageMiB: number; maxUsageMiB: number; samples: number }>;
}

/** Samples the cgroup every intervalMs until stopped. */
export function sampleContainerMemory(containerId: string, intervalMs = 100): MemorySampler {
  const dir = cgroupMemoryDir(containerId);
  const stopper = new AbortController();
  let peakAnon = 0;
  let peakUsage = 0;
  let samples = 0;
  const loop = (async () => {
    while (!stopper.signal.aborted) {
      peakAnon = Math.max(peakAnon, readStat(dir, 'total_rss'));
      peakUsage = Math.max(peakUsage, Number(readFileSync(`${dir}/memory.usage_in_bytes`, 'utf8')));
      samples++;
      await delay(intervalMs, undefined, { signal: stopper.signal }).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopper.abort();
      await loop;
      const maxUsage = Number(readFileSync(`${dir}/memory.max_usage_in_bytes`, 'utf8'));
      const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;
      return { peakAnonMiB: mib(peakAnon), peakUsageMiB: mib(peakUsage), maxUsageMiB: mib(maxUsage), samples };
    },
  };
}
