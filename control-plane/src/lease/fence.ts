// Fencing of the background work's writes. The lease holder does its background work on a
// connection of its own; on that connection every table but the lease's own carries TEMP
// triggers that, inside the very statement (so inside its BEGIN IMMEDIATE transaction), check
// that the lease row still names this holder at the epoch it was armed with. Otherwise the
// statement fails with LEASE_LOST and the holder is told to stop its loops. A process that was
// paused past the TTL and woke up after another took over can therefore not write a row, even
// from a loop that ran before its own lease loop noticed. Disarmed, every write fails.
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { WORKER_LEASE } from './lease-store.js';

/** Tables the fence leaves alone: the lease itself, the per-process register, the wake-ups, bookkeeping. */
const UNFENCED = new Set(['leases', 'processes', 'wakeups', 'schema_migrations']);

export interface Fence {
  /** From now on writes pass while the lease row says holder/epoch; onLost is called (once per arming) when one does not. */
  arm(holder: string, epoch: number, onLost: () => void): void;
  disarm(): void;
  /** Writes refused since the process started. */
  refused(): number;
}

/** Installs the triggers on `db` (call once, after migrations; tables created later are not fenced). */
export function installFence(db: Db, lease = WORKER_LEASE): Fence {
  let onLost: (() => void) | null = null;
  let refused = 0;
  db.function('berth_lease_lost', { deterministic: false, varargs: false }, () => {
    refused++;
    const notify = onLost;
    onLost = null;
    // After the statement has unwound: an abort listener must never re-enter this connection.
    if (notify) queueMicrotask(notify);
    throw new BerthError('LEASE_LOST', 'this process no longer holds the background-work lease; the write was refused');
  });
  db.exec('CREATE TEMP TABLE IF NOT EXISTS berth_fence (holder TEXT NOT NULL, epoch INTEGER NOT NULL)');
  const tables = db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  const check = `SELECT berth_lease_lost() WHERE NOT EXISTS (
    SELECT 1 FROM main.leases l JOIN temp.berth_fence f ON l.holder = f.holder AND l.epoch = f.epoch WHERE l.name = '${lease.replace(/'/g, "''")}')`;
  for (const table of tables.filter((t) => !UNFENCED.has(t))) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      const trigger = `berth_fence_${op.toLowerCase()}_${table}`.replace(/[^a-z0-9_]/gi, '_');
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS "${trigger}" BEFORE ${op} ON main."${table}" BEGIN ${check}; END`);
    }
  }
  return {
    arm(holder, epoch, lost) {
      db.prepare('DELETE FROM temp.berth_fence').run();
      db.prepare('INSERT INTO temp.berth_fence (holder, epoch) VALUES (?, ?)').run(holder, epoch);
      onLost = lost;
    },
    disarm() {
      db.prepare('DELETE FROM temp.berth_fence').run();
      onLost = null;
    },
    refused: () => refused,
  };
}
