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
];
