// The parked databases (parking.ts) in SQLite: read once when the backup supervisor starts, and
// written as databases are parked and taken back, so parking outlives a restart or a change of
// lease holder. A record is only ever trusted after planParking has checked it again: the tenant
// still asleep since the same moment and its files as they were when parked.
import type { Db } from '../db/open-database.js';
import type { ParkedDb } from './parking.js';

interface ParkedRow { key: string; asleep_since: number | null; stamp_db: string | null; stamp_wal: string | null; parked_at: number }

export function readParked(db: Db): ParkedDb[] {
  return (db.prepare('SELECT key, asleep_since, stamp_db, stamp_wal, parked_at FROM backup_parked').all() as ParkedRow[]).map((r) => ({
    key: r.key,
    asleepSince: r.asleep_since,
    stamp: { db: r.stamp_db, wal: r.stamp_wal },
    parkedAt: r.parked_at,
  }));
}

export function saveParked(db: Db, p: ParkedDb): void {
  db.prepare(
    `INSERT INTO backup_parked (key, asleep_since, stamp_db, stamp_wal, parked_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET asleep_since = excluded.asleep_since, stamp_db = excluded.stamp_db,
       stamp_wal = excluded.stamp_wal, parked_at = excluded.parked_at`,
  ).run(p.key, p.asleepSince, p.stamp.db, p.stamp.wal, p.parkedAt);
}

export function forgetParked(db: Db, key: string): void {
  db.prepare('DELETE FROM backup_parked WHERE key = ?').run(key);
}
