// Samples CPU, memory and disk of every running tenant container now and then, for the admin
// page's 24-hour charts and /metrics: one one-shot stats call per container, spread evenly
// over the period, because each call goes through dockerd, containerd and the container's
// shim (a burst of 200 shows up as idle CPU). CPU is the container's CPU time between two of
// its samples over the wall time between them, so it is an average over the whole period,
// not whatever the instant of the call happened to be.
import type { DockerEngine } from '../docker/docker-engine.js';
import type { Db } from '../db/open-database.js';
import type { Logger } from '@berth/common/logger';
import type { StatusStore } from '../reconcile/status-store.js';
import { LABEL } from '../tenants/labels.js';
import { createWaker } from '../wait/waker.js';
import { resourceSampleSeconds } from './registry.js';
import { pruneSamples, recordSample } from './resource-history.js';
import { directorySize } from './volume-size.js';

export interface ResourceSamplerDeps {
  readonly docker: DockerEngine;
  readonly db: Db;
  readonly statusStore: StatusStore;
  readonly intervalMs: number;
  readonly log: Logger;
}

interface CpuMark { readonly ns: number; readonly at: number }

/** Cores used between two cumulative CPU readings of one container; null across a restart (the counter starts over). */
export function cpuCoresBetween(prev: CpuMark | undefined, next: CpuMark): number | null {
  if (!prev || next.at <= prev.at || next.ns < prev.ns) return null;
  return (next.ns - prev.ns) / ((next.at - prev.at) * 1e6);
}

export async function sampleResources(deps: ResourceSamplerDeps, signal: AbortSignal): Promise<void> {
  const { docker, db, statusStore, intervalMs, log } = deps;
  const pause = createWaker();
  const cpuMarks = new Map<string, CpuMark>();
  await pause.wait(Math.min(intervalMs, 5000), signal);
  while (!signal.aborted) {
    const started = Date.now();
    try {
      // Only the running ones: Docker filters them before it builds each answer.
      const [containers, volumes] = await Promise.all([docker.listContainers(undefined, { running: true }), docker.listVolumes()]);
      const running = containers.filter((c) => c.labels[LABEL.role] === 'tenant');
      const mountpoints = new Map(volumes.filter((v) => v.mountpoint).map((v) => [v.labels[LABEL.tenantId], v.mountpoint!]));
      for (const id of cpuMarks.keys()) if (!running.some((c) => c.id === id)) cpuMarks.delete(id);
      const gap = intervalMs / Math.max(1, running.length);
      for (const c of running) {
        if (signal.aborted) return;
        const tenantId = Number(c.labels[LABEL.tenantId]);
        if (!Number.isInteger(tenantId)) continue;
        const done = resourceSampleSeconds.startTimer();
        const stats = await docker.memoryStats(c.id);
        const at = Date.now();
        let cpuCores: number | null = null;
        if (stats?.cpuUsageNs != null) {
          const mark = { ns: stats.cpuUsageNs, at };
          cpuCores = cpuCoresBetween(cpuMarks.get(c.id), mark);
          cpuMarks.set(c.id, mark);
        }
        const mountpoint = mountpoints.get(String(tenantId));
        const diskBytes = mountpoint ? await directorySize(mountpoint, signal) : null;
        const memoryBytes = stats?.workingSetBytes ?? null;
        if (stats) statusStore.writeMemory(tenantId, memoryBytes, at);
        recordSample(db, tenantId, { at, cpuCores, memoryBytes, diskBytes });
        done();
        await pause.wait(gap, signal);
      }
      pruneSamples(db, Date.now());
    } catch (err) {
      if (signal.aborted) return;
      log.warn('resource sampling failed', { err: err as Error });
    }
    await pause.wait(intervalMs - (Date.now() - started), signal);
  }
}
