// The rollout tables (migration ids 300–399 belong to the rollout). Appended to the control
// plane's migration list in db/migrations.ts.
import type { Migration } from '@berth/common/migrations';

export const ROLLOUT_MIGRATIONS: readonly Migration[] = [
  {
    id: 300,
    name: 'rollouts, per-tenant progress, append-only events, per-tenant rollout locks',
    sql: `
      CREATE TABLE rollouts (
        id               INTEGER PRIMARY KEY,
        image            TEXT NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('pending', 'canary', 'running', 'failed', 'done', 'cancelled')),
        selection        TEXT,              -- JSON array of slugs, or NULL for every running tenant
        canary           INTEGER NOT NULL DEFAULT 0,
        parallel         INTEGER NOT NULL,
        unsafe           TEXT CHECK (unsafe IN ('stop-before-unroute', 'no-drain')),
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_by       TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        started_at       INTEGER,
        finished_at      INTEGER,
        error            TEXT
      );
      CREATE INDEX rollouts_state ON rollouts(state);
      CREATE TABLE rollout_tenants (
        rollout_id       INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
        tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        slug             TEXT NOT NULL,
        position         INTEGER NOT NULL,
        canary           INTEGER NOT NULL DEFAULT 0,
        state            TEXT NOT NULL CHECK (state IN ('pending', 'rolling', 'rolling-back', 'done', 'rolled-back', 'failed', 'skipped')),
        step             TEXT,
        from_image       TEXT,
        from_generation  INTEGER,
        to_generation    INTEGER,
        old_container_id TEXT,
        old_url          TEXT,
        new_container_id TEXT,
        new_url          TEXT,
        reason           TEXT,
        started_at       INTEGER,
        finished_at      INTEGER,
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (rollout_id, tenant_id)
      );
      -- Append-only. at is unix ms with sub-millisecond precision: the proof harness checks
      -- that each old container's 'old-unrouted' milestone precedes its 'old-stop-called'.
      CREATE TABLE rollout_events (
        id         INTEGER PRIMARY KEY,
        rollout_id INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
        slug       TEXT,
        at         REAL NOT NULL,
        step       TEXT NOT NULL,
        phase      TEXT NOT NULL CHECK (phase IN ('start', 'end', 'fail', 'milestone', 'state')),
        detail     TEXT
      );
      CREATE INDEX rollout_events_rollout ON rollout_events(rollout_id, id);
      -- A tenant with a row here belongs to a rollout: the reconciler leaves its containers
      -- and its route alone (two containers are expected while it rolls).
      CREATE TABLE tenant_rollout_locks (
        tenant_id  INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        rollout_id INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
        locked_at  INTEGER NOT NULL
      );
    `,
  },
];
