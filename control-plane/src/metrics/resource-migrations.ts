// The resource-history table (migration ids 600–699 belong to metrics/). Appended to the
// control plane's migration list in db/migrations.ts.
import type { Migration } from '@berth/common/migrations';

export const RESOURCE_MIGRATIONS: readonly Migration[] = [
  {
    id: 600,
    name: 'resource samples per tenant (24 hours of CPU, memory and disk)',
    sql: `
      -- One row per tenant per sample (every BERTH_RESOURCE_SAMPLE_INTERVAL_MS); rows older than
      -- a day are pruned by the sampler. NULL: not measured (first CPU sample of a container,
      -- a volume whose files this process cannot see).
      CREATE TABLE resource_samples (
        tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        at           INTEGER NOT NULL,
        cpu_cores    REAL,
        memory_bytes INTEGER,
        disk_bytes   INTEGER,
        PRIMARY KEY (tenant_id, at)
      ) WITHOUT ROWID;
      CREATE INDEX resource_samples_at ON resource_samples(at);
    `,
  },
];
