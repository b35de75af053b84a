// The one write path of the tenant app: every write runs inside writeTx, a short
// BEGIN IMMEDIATE transaction. IMMEDIATE takes the write lock up front, so a second copy of
// the app writing at the same moment waits in the busy handler instead of failing: a deferred
// transaction that reads and then tries to write fails with SQLITE_BUSY at once, without
// consulting the busy handler (ROLLOUT.md F9).
import type Database from 'better-sqlite3';
import { announceWriter, markWriterWaiting } from './write-turns.js';

const faulty = new WeakSet<Database.Database>();

/**
 * TEST-ONLY negative control for the rollout harness (BERTH_FAULT_DEFERRED_WRITES=1): make
 * this connection's writes use a deferred BEGIN that reads before it writes (with busy_timeout
 * 0, set by the opener), which is exactly the bug F9 describes. The harness must then see
 * SQLITE_BUSY reach clients; if it does not, the harness is not measuring anything.
 */
export function markFaultDeferredWrites(db: Database.Database): void {
  faulty.add(db);
}

export function writeTx<T>(db: Database.Database, fn: () => T): T {
  if (faulty.has(db)) {
    return db
      .transaction(() => {
        db.prepare('SELECT count(*) FROM sqlite_master').get();
        return fn();
      })
      .deferred();
  }
  const done = announceWriter();
  try {
    // First without waiting; only a writer that finds the lock taken leaves the marker that
    // import workers of other processes look for.
    const first = immediateWithoutWaiting(db, fn);
    if (first.ran) return first.value;
    const unmark = markWriterWaiting(db.name);
    try {
      return db.transaction(fn).immediate();
    } finally {
      unmark();
    }
  } finally {
    done();
  }
}

/**
 * A write that may be skipped: tries the lock once, without the busy timeout, and returns false
 * if another writer holds it. For bookkeeping the request thread does on a timer (an import's
 * progress beat): waiting for the lock would block the event loop, and so every request, for as
 * long as an import's batch holds it.
 */
export function tryWriteTx(db: Database.Database, fn: () => void): boolean {
  return immediateWithoutWaiting(db, fn).ran;
}

/**
 * Runs `fn` in a BEGIN IMMEDIATE transaction if the lock is free right now (busy timeout 0 for
 * that one attempt), else does nothing: `ran` says which. Only a BEGIN that found the lock
 * taken counts as not run; any error of a body that ran is thrown.
 */
function immediateWithoutWaiting<T>(db: Database.Database, fn: () => T): { ran: true; value: T } | { ran: false } {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  let ran = false;
  try {
    const value = db
      .transaction(() => {
        ran = true;
        return fn();
      })
      .immediate();
    return { ran: true, value };
  } catch (err) {
    // better-sqlite3 reports extended codes: a BEGIN that meets another connection recovering
    // the WAL index fails with SQLITE_BUSY_RECOVERY, which is the same "lock taken, try later"
    // (a CI run saw it when two connections opened one new database at the same moment).
    if (ran || !isBusy(err)) throw err;
    return { ran: false };
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}
