// A paced, closed-loop probe of one endpoint (the next request starts intervalMs after the
// previous answered): how a health endpoint or a page answers while something heavy runs.
import { setTimeout as delay } from 'node:timers/promises';
import { isOk } from './http-call.js';
import { callTenant, type TenantTarget } from './tenant-target.js';

export interface LatencyProbe {
  stop(): Promise<{ ms: number[]; failed: number }>;
}

export function probeLatency(target: TenantTarget, path: string, intervalMs = 20, maxSamples = 100_000): LatencyProbe {
  const stopper = new AbortController();
  const ms: number[] = [];
  let failed = 0;
  const loop = (async () => {
    while (!stopper.signal.aborted && ms.length + failed < maxSamples) {
      const r = await callTenant(target, path, { timeoutMs: 10_000 });
      if (isOk(r)) ms.push(r.ms);
      else failed++;
      await delay(intervalMs, undefined, { signal: stopper.signal }).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopper.abort();
      await loop;
      return { ms, failed };
    },
  };
}
