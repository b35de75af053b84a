// Nudges across processes. A handler in any web process writes desired state, then bumps a
// named counter here; the lease holder polls PRAGMA data_version (a read of shared memory, no
// I/O: it changes only when another connection committed) and, when it moved, reads the
// counters and wakes the loops whose counter moved. The added latency is at most one poll
// period, and none when the handler ran in the holder itself (it nudges its loop directly).
import { writeTx, type Db } from '../db/open-database.js';
import { createWaker } from '../wait/waker.js';

export type WakeupName = 'reconcile' | 'rollouts';

/** Bumps the counter of `name`; returns its new value. */
export function bumpWakeup(db: Db, name: WakeupName): number {
  return writeTx(db, () => db.prepare(
    'INSERT INTO wakeups (name, seq) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET seq = seq + 1 RETURNING seq',
  ).pluck().get(name) as number);
}

export interface WakeupWatcher {
  /** This process delivered the wake itself: the poll must not deliver it a second time. */
  markSeen(name: WakeupName, seq: number): void;
  run(signal: AbortSignal): Promise<void>;
}

export function createWakeupWatcher(db: Db, targets: Readonly<Record<WakeupName, () => void>>, pollMs: number): WakeupWatcher {
  const seen = new Map<string, number>();
  const readAll = () => db.prepare('SELECT name, seq FROM wakeups').all() as { name: WakeupName; seq: number }[];
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  return {
    markSeen(name, seq) {
      seen.set(name, Math.max(seen.get(name) ?? 0, seq));
    },
    async run(signal) {
      // What was bumped before this holder started is covered by the first full pass.
      for (const r of readAll()) seen.set(r.name, Math.max(seen.get(r.name) ?? 0, r.seq));
      let version = dataVersion.get() as number;
      const sleep = createWaker();
      while (!signal.aborted) {
        await sleep.wait(pollMs, signal);
        if (signal.aborted) break;
        const now = dataVersion.get() as number;
        if (now === version) continue;
        version = now;
        for (const r of readAll()) {
          if (r.seq <= (seen.get(r.name) ?? 0)) continue;
          seen.set(r.name, r.seq);
          targets[r.name]?.();
        }
      }
    },
  };
}
