// Roles and API tokens (migration ids 1300–1399 belong to this file). Appended to the control
// plane's migration list in db/migrations.ts.
import type { Migration } from '@berth/common/migrations';

export const ACCESS_MIGRATIONS: readonly Migration[] = [
  {
    id: 1300,
    name: 'viewer role, API tokens held by the control plane',
    sql: `
      -- SQLite cannot change a CHECK constraint: the table is rebuilt with the new role. Nothing
      -- references memberships, so dropping the old one cascades nowhere.
      CREATE TABLE memberships_1300 (
        tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
      );
      INSERT INTO memberships_1300 (tenant_id, user_id, role, created_at) SELECT tenant_id, user_id, role, created_at FROM memberships;
      DROP TABLE memberships;
      ALTER TABLE memberships_1300 RENAME TO memberships;
      CREATE INDEX memberships_user ON memberships(user_id);
      -- A bearer token for one tenant, acting for one member. Only its SHA-256 is stored.
      -- ForwardAuth joins it with memberships on every request, so it dies with the membership.
      CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY,
        tenant_id    INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        hint         TEXT NOT NULL,
        scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX api_tokens_tenant_user ON api_tokens(tenant_id, user_id);
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
      CREATE INDEX api_tokens_expiry ON api_tokens(expires_at);
    `,
  },
];
