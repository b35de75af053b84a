// Host-side measurements for the density benchmark, read from /proc and the cgroup v1
// memory controller: meminfo fields, a process's RSS, PSS, parent and CPU ticks, processes by command line.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A /proc/meminfo field in KiB. */
export function meminfoKib(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  return Number(m![1]);
}

export function memAvailableKib(): number {
  return meminfoKib('MemAvailable');
}

export function rssKib(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Proportional set size (shared pages split among their users): a fair share per shim. */
export function pssKib(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The parent's pid, or -1 when the process is gone. */
export function parentPid(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** utime + stime in clock ticks (USER_HZ = 100 on Linux). */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export interface Proc {
  readonly pid: number;
  readonly comm: string;
  readonly cmdline: string;
}

export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      out.push({
        pid,
        comm: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(),
        cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(),
      });
    } catch {
      // exited while listing
    }
  }
  return out;
}

/** The executable a process runs, or '' when it is gone. */
export function exeOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}

export function envOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return '';
  }
}

export function cgroupOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return '';
  }
}

/** A container's memory as its cgroup (v1) reports it: rss + mapped file pages, and total usage. */
export function cgroupMemory(containerId: string): { rssBytes: number; usageBytes: number; cacheBytes: number } | null {
  try {
    const dir = `/sys/fs/cgroup/memory/docker/${containerId}`;
    const stat = Object.fromEntries(readFileSync(`${dir}/memory.stat`, 'utf8').trim().split('\n').map((l) => {
      const [k, v] = l.split(' ');
      return [k!, Number(v)];
    }));
    return {
      rssBytes: (stat.total_rss ?? 0) + (stat.total_mapped_file ?? 0),
      usageBytes: Number(readFileSync(`${dir}/memory.usage_in_bytes`, 'utf8')),
      cacheBytes: stat.total_cache ?? 0,
    };
  } catch {
    return null;
  }
}
