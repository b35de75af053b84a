// Numbered, append-only migrations of the control plane's database. Never edit a shipped
// migration; add a new one. Times are unix milliseconds (INTEGER) throughout.
import { ACCESS_MIGRATIONS } from '../auth/access-migrations.js';
import { INVITATION_MIGRATIONS } from '../auth/invitation-migrations.js';
import { BACKUP_MIGRATIONS } from '../backup/backup-migrations.js';
import { HIBERNATE_MIGRATIONS } from '../hibernate/hibernate-migrations.js';
import { LEASE_MIGRATIONS } from '../lease/lease-migrations.js';
import { RESOURCE_MIGRATIONS } from '../metrics/resource-migrations.js';
import { ROLLOUT_MIGRATIONS } from '../rollout/rollout-migrations.js';
import type { Migration } from '@berth/common/migrations';

export type { Migration } from '@berth/common/migrations';

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'accounts, tenants, memberships, sessions',
    sql: `
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        is_admin      INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL
      );
      -- Session ids are random 32-byte values; only their SHA-256 is stored.
      CREATE TABLE sessions (
        id_hash     TEXT PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      -- desired_state is what people asked for; the reconciler makes Docker match it.
      CREATE TABLE tenants (
        id            INTEGER PRIMARY KEY,
        slug          TEXT NOT NULL UNIQUE,
        owner_id      INTEGER NOT NULL REFERENCES users(id),
        image         TEXT NOT NULL,
        desired_state TEXT NOT NULL CHECK (desired_state IN ('running', 'deleted')),
        generation    INTEGER NOT NULL DEFAULT 1,
        created_at    INTEGER NOT NULL,
        deleted_at    INTEGER,
        purge_volume_after INTEGER,
        volume_purged_at   INTEGER
      );
      CREATE TABLE memberships (
        tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('owner', 'member')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      );
      CREATE INDEX memberships_user ON memberships(user_id);
      -- A per-tenant-host session (cookie berth_t on <slug>.<domain>): bound to one parent
      -- session and one tenant, so a tenant that sees it can replay it nowhere else.
      CREATE TABLE tenant_sessions (
        id_hash         TEXT PRIMARY KEY,
        session_id_hash TEXT NOT NULL REFERENCES sessions(id_hash) ON DELETE CASCADE,
        tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        created_at      INTEGER NOT NULL,
        expires_at      INTEGER NOT NULL
      );
      -- One-time codes handed from the control-plane host to a tenant host during SSO.
      CREATE TABLE sso_codes (
        code_hash       TEXT PRIMARY KEY,
        session_id_hash TEXT NOT NULL REFERENCES sessions(id_hash) ON DELETE CASCADE,
        tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        return_to       TEXT NOT NULL,
        expires_at      INTEGER NOT NULL
      );
      CREATE TABLE login_failures (
        key TEXT NOT NULL,
        at  INTEGER NOT NULL
      );
      CREATE INDEX login_failures_key ON login_failures(key, at);
      -- What the reconciler last observed, for pages and the API (never read by the reconciler).
      CREATE TABLE tenant_status (
        tenant_id    INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        state        TEXT NOT NULL,
        detail       TEXT,
        container_id TEXT,
        image        TEXT,
        ready_at     INTEGER,
        memory_bytes INTEGER,
        updated_at   INTEGER NOT NULL
      );
      CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY,
        at      INTEGER NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail  TEXT
      );
    `,
  },
  {
    id: 100,
    name: 'indexes for session cascades and expiry sweeps',
    sql: `
      -- Logout deletes a session; its tenant sessions and codes go by cascade, which needs these.
      CREATE INDEX tenant_sessions_session ON tenant_sessions(session_id_hash);
      CREATE INDEX tenant_sessions_tenant_expiry ON tenant_sessions(tenant_id, expires_at);
      CREATE INDEX sso_codes_session ON sso_codes(session_id_hash);
      CREATE INDEX sso_codes_expiry ON sso_codes(expires_at);
      CREATE INDEX login_failures_at ON login_failures(at);
    `,
  },
  ...ROLLOUT_MIGRATIONS,
  ...RESOURCE_MIGRATIONS,
  ...BACKUP_MIGRATIONS,
  ...ACCESS_MIGRATIONS,
  ...HIBERNATE_MIGRATIONS,
  ...LEASE_MIGRATIONS,
  ...INVITATION_MIGRATIONS,
];
