// The lease, the process register and the cross-process wake-ups (migration ids 1200–1299
// belong to lease/). Additive only: a version that predates them never reads these tables, so
// it keeps working on a database this version migrated.
import type { Migration } from '@berth/common/migrations';

export const LEASE_MIGRATIONS: readonly Migration[] = [
  {
    id: 1200,
    name: 'background-work lease, process register, wake-ups',
    sql: `
      -- One row per lease (today only 'worker'). epoch grows each time the holder changes: the
      -- fencing token every background write checks. expires_at = 0: released on a graceful stop.
      CREATE TABLE leases (
        name       TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        epoch      INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        renewed_at INTEGER NOT NULL
      );
      -- Every control-plane process, written by itself every BERTH_LEASE_RENEW_MS.
      CREATE TABLE processes (
        id         TEXT PRIMARY KEY,
        pid        INTEGER NOT NULL,
        version    TEXT NOT NULL,
        role       TEXT NOT NULL,
        url        TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL
      );
      -- A handler in any process bumps a row; the lease holder polls PRAGMA data_version and
      -- wakes the loop named here when its seq moved.
      CREATE TABLE wakeups (
        name TEXT PRIMARY KEY,
        seq  INTEGER NOT NULL
      );
    `,
  },
];
