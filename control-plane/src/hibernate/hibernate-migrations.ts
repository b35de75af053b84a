// Hibernation's columns on tenants and its wake upstreams (migration ids 800–899 belong to hibernate/). Appended to the
// control plane's migration list in db/migrations.ts. Additive only: the previous version reads
// tenants without them and keeps working.
import type { Migration } from '@berth/common/migrations';

export const HIBERNATE_MIGRATIONS: readonly Migration[] = [
  {
    id: 800,
    name: 'hibernation: desired asleep, last request, pinned awake',
    sql: `
      -- asleep = 1: desired hibernated (container stopped, no route of its own); the reconciler
      -- converges it. asleep_changed_at: when it last went to sleep or was woken.
      ALTER TABLE tenants ADD COLUMN asleep INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tenants ADD COLUMN asleep_changed_at INTEGER;
      -- Last authenticated request ForwardAuth saw, flushed coarsely (at most every 30 s per tenant).
      ALTER TABLE tenants ADD COLUMN last_request_at INTEGER;
      -- An operator's pin: never hibernated while set.
      ALTER TABLE tenants ADD COLUMN pinned_awake INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    id: 801,
    name: 'wake upstreams: where a started tenant answers before Traefik serves its route',
    sql: `
      -- Written by the step that started a tenant's container (a wake, a first start) as soon
      -- as it is ready, before its route; read by every web process's waker (wake-upstreams.ts).
      CREATE TABLE wake_upstreams (
        tenant_id    INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        url          TEXT NOT NULL,
        container_id TEXT NOT NULL,
        ready_at     INTEGER NOT NULL
      );
      CREATE INDEX wake_upstreams_container ON wake_upstreams(container_id);
    `,
  },
];
