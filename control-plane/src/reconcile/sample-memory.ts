// Samples the memory of every running tenant container now and then for pages: one one-shot
// stats call per container, spread evenly over the period, because each call goes through
// dockerd, containerd and the container's shim (a burst of 200 shows up as idle CPU).
import type { DockerEngine } from '../docker/docker-engine.js';
import type { Logger } from '@berth/common/logger';
import { LABEL } from '../tenants/labels.js';
import { createWaker } from '../wait/waker.js';
import type { StatusStore } from './status-store.js';

export async function sampleMemory(docker: DockerEngine, store: StatusStore, intervalMs: number, log: Logger, signal: AbortSignal): Promise<void> {
  const pause = createWaker();
  await pause.wait(Math.min(intervalMs, 5000), signal);
  while (!signal.aborted) {
    const started = Date.now();
    try {
      const running = (await docker.listContainers()).filter((c) => c.state === 'running' && c.labels[LABEL.role] === 'tenant');
      const gap = intervalMs / Math.max(1, running.length);
      for (const c of running) {
        if (signal.aborted) return;
        const stats = await docker.memoryStats(c.id);
        const tenantId = Number(c.labels[LABEL.tenantId]);
        if (stats && Number.isInteger(tenantId)) store.writeMemory(tenantId, stats.workingSetBytes, Date.now());
        await pause.wait(gap, signal);
      }
    } catch (err) {
      log.warn('memory sampling failed', { err: err as Error });
    }
    await pause.wait(intervalMs - (Date.now() - started), signal);
  }
}
