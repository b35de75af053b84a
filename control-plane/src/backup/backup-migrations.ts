// The backup tables (migration ids 700–799 belong to backup/). Appended to the control plane's
// migration list in db/migrations.ts.
import type { Migration } from '@berth/common/migrations';

export const BACKUP_MIGRATIONS: readonly Migration[] = [
  {
    id: 700,
    name: 'backup lineages: one unbroken replicated history of a tenant database each',
    sql: `
      -- A lineage is one history Litestream replicates into its own replica path
      -- (<backup dir>/<slug>/<id>). A new one starts when a tenant is first replicated and after
      -- every restore; its TXIDs never mix with another's. Rows are kept after a tenant is
      -- deleted (no foreign key): the backups outlive the tenant until purged.
      CREATE TABLE backup_lineages (
        id                INTEGER PRIMARY KEY,
        tenant_id         INTEGER NOT NULL,
        slug              TEXT NOT NULL,
        volume_identity TEXT NOT NULL,
        started_at        INTEGER NOT NULL,
        reason            TEXT NOT NULL,
        ended_at          INTEGER,
        end_reason        TEXT,
        purged_at         INTEGER
      );
      CREATE INDEX backup_lineages_tenant ON backup_lineages(tenant_id, started_at);
      CREATE UNIQUE INDEX backup_lineages_open ON backup_lineages(tenant_id) WHERE ended_at IS NULL;
    `,
  },
  {
    id: 701,
    name: 'backup parked: sleepers closed in Litestream, remembered across restarts and holders',
    sql: `
      -- A database Litestream closed after its final sync (backup/parking.ts), with what its
      -- files looked like then. Kept here rather than in memory so that a restarted control plane
      -- or a new lease holder leaves a parked sleeper out of Litestream at once, instead of opening
      -- every sleeper again and parking them anew (minutes of Litestream's CPU at 10,000).
      CREATE TABLE backup_parked (
        key          TEXT PRIMARY KEY,
        asleep_since INTEGER,
        stamp_db     TEXT,
        stamp_wal    TEXT,
        parked_at    INTEGER NOT NULL
      );
    `,
  },
  {
    id: 702,
    name: 'backup input version: a counter the backup pass compares to skip planning when nothing changed',
    sql: `
      -- Bumped by the triggers below whenever something the backup pass plans from changes:
      -- a tenant's name, desired state or sleep (tenants), what the reconciler last observed of
      -- it (tenant_status.state: parking waits for 'hibernated'), its lineages. Every process on
      -- the database bumps it, so the lease holder's pass sees another process's change too
      -- (a wake through another web process). asleep and asleep_changed_at are added by
      -- migration 800: SQLite resolves a trigger's columns when it runs, not when it is created,
      -- and nothing updates tenants between the two.
      CREATE TABLE backup_input_version (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      );
      INSERT INTO backup_input_version (id, version) VALUES (1, 0);
      CREATE TRIGGER backup_input_tenant_insert AFTER INSERT ON tenants
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      CREATE TRIGGER backup_input_tenant_delete AFTER DELETE ON tenants
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      -- Not last_request_at (the activity flush), image, generation or pinning: none is planned from.
      CREATE TRIGGER backup_input_tenant_update AFTER UPDATE ON tenants
        WHEN OLD.slug IS NOT NEW.slug OR OLD.desired_state IS NOT NEW.desired_state
          OR OLD.asleep IS NOT NEW.asleep OR OLD.asleep_changed_at IS NOT NEW.asleep_changed_at
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      CREATE TRIGGER backup_input_status_insert AFTER INSERT ON tenant_status
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      CREATE TRIGGER backup_input_status_delete AFTER DELETE ON tenant_status
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      -- Not memory_bytes (the resource sampler) nor a running tenant's detail. A sleeper's row
      -- rewritten counts (its updated_at decides whether it is parked: listHibernatedTenants).
      CREATE TRIGGER backup_input_status_update AFTER UPDATE ON tenant_status
        WHEN OLD.state IS NOT NEW.state OR (NEW.state = 'hibernated' AND OLD.updated_at IS NOT NEW.updated_at)
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      CREATE TRIGGER backup_input_lineage_insert AFTER INSERT ON backup_lineages
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      CREATE TRIGGER backup_input_lineage_update AFTER UPDATE ON backup_lineages
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
      CREATE TRIGGER backup_input_lineage_delete AFTER DELETE ON backup_lineages
        BEGIN UPDATE backup_input_version SET version = version + 1 WHERE id = 1; END;
    `,
  },
];
