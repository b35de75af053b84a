// Event-loop lag, sampled by one timer a second. Node's monitorEventLoopDelay samples at its
// resolution (10 ms at the least useful setting), which wakes an otherwise idle process 100
// times a second: ~2 % of a core on this host, measured, in every control-plane process. A
// timer that records how late it fired sees the stalls that matter (a blocked loop delays it)
// for one wake-up a second. Samples are kept for the last minute, not reset by a scrape: two
// scrapes a second apart must both see something.
import { performance } from 'node:perf_hooks';

export interface LagStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoopLag {
  /** Lag in seconds over the kept samples plus the timer pending now (late already, or 0). */
  recent(): LagStats;
  stop(): void;
}

export interface LoopLagOptions {
  readonly intervalMs?: number;
  /** Samples kept (one per interval). */
  readonly keep?: number;
}

export function createLoopLag({ intervalMs = 1000, keep = 60 }: LoopLagOptions = {}): LoopLag {
  const samples: number[] = [];
  let due = 0;
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    due = performance.now() + intervalMs;
    timer = setTimeout(tick, intervalMs);
    // Never keeps a process alive that has nothing else to do.
    timer.unref();
  };
  const tick = () => {
    samples.push(Math.max(0, performance.now() - due));
    if (samples.length > keep) samples.shift();
    arm();
  };
  arm();
  return {
    recent() {
      const sorted = [...samples, Math.max(0, performance.now() - due)].sort((a, b) => a - b);
      const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
      return { p50: rank(50) / 1000, p99: rank(99) / 1000, max: sorted[sorted.length - 1]! / 1000 };
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
