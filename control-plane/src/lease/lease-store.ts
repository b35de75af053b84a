// The lease row in the control plane's SQLite: taken and renewed in one BEGIN IMMEDIATE
// statement (PLATFORM.md, "Exactly one background worker"), released on a graceful stop, read
// by the heartbeat. Times are unix ms of the host clock, which every process here shares.
import { writeTx, type Db } from '../db/open-database.js';
import type { LeaseRow } from './lease-decisions.js';

/** The one lease today: who runs the background work. */
export const WORKER_LEASE = 'worker';

export interface Acquired {
  readonly acquired: boolean;
  /** The epoch the holder now has; meaningful only when acquired. */
  readonly epoch: number;
}

/**
 * Takes the lease if it is free or expired, or renews it if `holder` has it; the epoch grows
 * only when the holder changes. changes() = 1 is the one signal that we hold it.
 */
export function tryAcquire(db: Db, holder: string, now: number, ttlMs: number, name = WORKER_LEASE): Acquired {
  return writeTx(db, () => {
    const info = db.prepare(
      `INSERT INTO leases (name, holder, epoch, expires_at, renewed_at) VALUES (@name, @holder, 1, @now + @ttl, @now)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, renewed_at = excluded.renewed_at,
         epoch = CASE WHEN leases.holder = excluded.holder THEN leases.epoch ELSE leases.epoch + 1 END
       WHERE leases.holder = excluded.holder OR leases.expires_at < @now`,
    ).run({ name, holder, now, ttl: ttlMs });
    if (info.changes !== 1) return { acquired: false, epoch: 0 };
    return { acquired: true, epoch: db.prepare('SELECT epoch FROM leases WHERE name = ?').pluck().get(name) as number };
  });
}

/** Gives the lease up at once (expires_at = 0), so a standby takes it on its next look. */
export function releaseLease(db: Db, holder: string, name = WORKER_LEASE): boolean {
  return writeTx(db, () => db.prepare('UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?').run(name, holder).changes === 1);
}

interface Row { holder: string; epoch: number; expires_at: number; renewed_at: number }

export function readLease(db: Db, name = WORKER_LEASE): LeaseRow | null {
  const r = db.prepare('SELECT holder, epoch, expires_at, renewed_at FROM leases WHERE name = ?').get(name) as Row | undefined;
  return r ? { holder: r.holder, epoch: r.epoch, expiresAt: r.expires_at, renewedAt: r.renewed_at } : null;
}
