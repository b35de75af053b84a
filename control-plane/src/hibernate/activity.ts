// The idle signal, on the web side of every process. ForwardAuth already decides every tenant
// request, so it records the tenant's last authenticated request here: one Map.set per
// request, nothing else. A background flush writes what changed to SQLite at most once per
// flush interval (sweepIntervalMs: 30 s at most; one transaction for all tenants), where the
// hibernator (in the lease holder, maybe another process) reads it. Never a write per request.
import type { Logger } from '@berth/common/logger';
import type { Db } from '../db/open-database.js';
import { recordLastRequests } from '../tenants/tenant-store.js';
import { createWaker } from '../wait/waker.js';

export interface Activity {
  /** An authenticated request for the tenant with this slug reached ForwardAuth at `now`. */
  touch(slug: string, now: number): void;
  /** Last request seen by this process (undefined: none since it started). */
  lastSeen(slug: string): number | undefined;
  /** Flushes every flush interval until the signal aborts, then once more. */
  run(signal: AbortSignal): Promise<void>;
}

export function createActivity(db: Db, log: Logger, flushIntervalMs: number): Activity {
  const seen = new Map<string, number>();
  const flushed = new Map<string, number>();
  const flush = () => {
    const changed = new Map([...seen].filter(([slug, at]) => flushed.get(slug) !== at));
    recordLastRequests(db, changed);
    for (const [slug, at] of changed) flushed.set(slug, at);
  };
  return {
    touch: (slug, now) => void seen.set(slug, now),
    lastSeen: (slug) => seen.get(slug),
    async run(signal) {
      const waker = createWaker();
      while (!signal.aborted) {
        await waker.wait(flushIntervalMs, signal);
        try {
          flush();
        } catch (err) {
          // Kept in memory and tried again next time; only a restart in between loses it.
          log.warn('cannot record last requests yet', { err: err as Error });
        }
      }
    },
  };
}
