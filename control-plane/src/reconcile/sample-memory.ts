// Samples the memory of every running tenant container now and then for pages (one-shot
// stats, sequentially: cheap for the engine, and nobody needs it to the second).
import type { DockerEngine } from '../docker/docker-engine.js';
import type { Logger } from '../log.js';
import { LABEL } from '../tenants/labels.js';
import type { StatusStore } from './status-store.js';
import { createWaker } from './waker.js';

export async function sampleMemory(docker: DockerEngine, store: StatusStore, intervalMs: number, log: Logger, signal: AbortSignal): Promise<void> {
  const waker = createWaker();
  while (!signal.aborted) {
    await waker.wait(intervalMs, signal);
    if (signal.aborted) return;
    try {
      const running = (await docker.listContainers()).filter((c) => c.state === 'running' && c.labels[LABEL.role] === 'tenant');
      for (const c of running) {
        if (signal.aborted) return;
        const stats = await docker.memoryStats(c.id);
        const tenantId = Number(c.labels[LABEL.tenantId]);
        if (stats && Number.isInteger(tenantId)) store.writeMemory(tenantId, stats.workingSetBytes, Date.now());
      }
    } catch (err) {
      log.warn('memory sampling failed', { err: err as Error });
    }
  }
}
