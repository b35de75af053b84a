// The one write path of the tenant app: every write runs inside writeTx, a short
// BEGIN IMMEDIATE transaction. IMMEDIATE takes the write lock up front, so a second copy of
// the app writing at the same moment waits in the busy handler instead of failing: a deferred
// transaction that reads and then tries to write fails with SQLITE_BUSY at once, without
// consulting the busy handler (ROLLOUT.md F9).
import type Database from 'better-sqlite3';

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
  return db.transaction(fn).immediate();
}
