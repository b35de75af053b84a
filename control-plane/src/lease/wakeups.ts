// Nudges across processes. A handler in any web process writes desired state, then bumps a
// named counter here; the lease holder checks PRAGMA data_version (a read of shared memory, no
// I/O: it changes only when another connection committed) and, when it moved, reads the
// counters and wakes the loops whose counter moved. None of this applies when the handler ran
// in the holder itself (it nudges its loop directly).
//
// When to check: the kernel says when, by inotify on the database's directory (a commit
// writes the WAL file), with a slow poll as the guarantee. A 50 ms poll alone woke the holder
// 20 times a second for nothing, ~0.5 % of a core on this host in an otherwise idle process.
// A directory that cannot be watched (no inotify instances left, a filesystem without it)
// falls back to the fast poll, so a nudge is never later than it was without the notices.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '@berth/common/logger';
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

export interface WakeupWatcherOptions {
  /** The poll behind the notices, which only a lost notice waits for. */
  readonly pollMs: number;
  /** The poll when the directory cannot be watched. */
  readonly unwatchedPollMs: number;
  readonly log?: Logger;
}

export function createWakeupWatcher(db: Db, targets: Readonly<Record<WakeupName, () => void>>, opts: WakeupWatcherOptions): WakeupWatcher {
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
      let pollMs = opts.unwatchedPollMs;
      const watcher = watchCommits(db, signal, () => sleep.wake(), (err) => {
        opts.log?.warn('watching the database directory for nudges failed; polling instead', { err, pollMs: opts.unwatchedPollMs });
        pollMs = opts.unwatchedPollMs;
        sleep.wake();
      });
      if (watcher) pollMs = opts.pollMs;
      try {
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
      } finally {
        watcher?.close();
      }
    },
  };
}

/**
 * Calls onWrite when the database file or its WAL is written in its directory (by any process:
 * a commit appends to the WAL). Null when the directory cannot be watched; onError when a
 * watch that started fails later (it is closed then).
 */
function watchCommits(db: Db, signal: AbortSignal, onWrite: () => void, onError: (err: unknown) => void): FSWatcher | null {
  if (db.memory) return null;
  const file = basename(db.name);
  const names = new Set([file, `${file}-wal`]);
  try {
    // Not persistent: the watch alone never keeps the process alive.
    const w = watch(dirname(db.name), { persistent: false, signal }, (_event, name) => {
      // No name (some kernels, overflow): could be anything, check.
      if (name === null || names.has(String(name))) onWrite();
    });
    w.on('error', (err) => {
      w.close();
      onError(err);
    });
    return w;
  } catch (err) {
    onError(err);
    return null;
  }
}
