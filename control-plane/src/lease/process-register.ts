// The register of control-plane processes: each writes its own row every BERTH_LEASE_RENEW_MS
// (from its web connection: this is not background work, every process does it) and deletes
// it on a graceful stop. ./berth status and the heartbeat's details list it with the lease row.
import { writeTx, type Db } from '../db/open-database.js';
import { createWaker } from '../wait/waker.js';
import { processState, type ProcessState } from './lease-decisions.js';

export interface ProcessIdentity {
  /** Unique per process start (BERTH_PROCESS_ID or the host name, the pid and a random tag). */
  readonly id: string;
  readonly pid: number;
  readonly version: string;
  readonly role: string;
  /** Its loopback listener, for the operator. */
  readonly url: string;
  readonly startedAt: number;
}

export interface ProcessView extends ProcessIdentity {
  readonly lastSeen: number;
  readonly state: ProcessState;
}

/** Rows of processes silent this long are deleted by whoever writes next (a kill -9 leaves its row). */
const FORGET_AFTER_MS = 60 * 60 * 1000;

export function writeHeartbeat(db: Db, me: ProcessIdentity, now: number): void {
  writeTx(db, () => {
    db.prepare(
      `INSERT INTO processes (id, pid, version, role, url, started_at, last_seen) VALUES (@id, @pid, @version, @role, @url, @startedAt, @now)
       ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
    ).run({ ...me, now });
    db.prepare('DELETE FROM processes WHERE last_seen < ?').run(now - FORGET_AFTER_MS);
  });
}

export function forgetProcess(db: Db, id: string): void {
  writeTx(db, () => db.prepare('DELETE FROM processes WHERE id = ?').run(id));
}

interface Row { id: string; pid: number; version: string; role: string; url: string; started_at: number; last_seen: number }

export function listProcesses(db: Db, now: number, renewMs: number): ProcessView[] {
  const rows = db.prepare('SELECT * FROM processes ORDER BY started_at, id').all() as Row[];
  return rows.map((r) => ({
    id: r.id, pid: r.pid, version: r.version, role: r.role, url: r.url, startedAt: r.started_at, lastSeen: r.last_seen,
    state: processState(r.last_seen, now, renewMs),
  }));
}

/** Writes the row at once and every intervalMs; deletes it when the signal aborts. Never rejects. */
export async function runHeartbeat(db: Db, me: ProcessIdentity, intervalMs: number, signal: AbortSignal, onError: (err: Error) => void): Promise<void> {
  const sleep = createWaker();
  while (!signal.aborted) {
    try {
      writeHeartbeat(db, me, Date.now());
    } catch (err) {
      // A busy database: the next period writes again; a silent row only looks stale meanwhile.
      onError(err as Error);
    }
    await sleep.wait(intervalMs, signal);
  }
  try {
    forgetProcess(db, me.id);
  } catch (err) {
    onError(err as Error);
  }
}
