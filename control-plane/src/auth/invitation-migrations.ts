// Invitations held by email (migration ids 1500–1599 belong to this file). Appended to the
// control plane's migration list in db/migrations.ts.
import type { Migration } from '@berth/common/migrations';

export const INVITATION_MIGRATIONS: readonly Migration[] = [
  {
    id: 1500,
    name: 'invitations by email',
    sql: `
      -- An owner's invitation of an email address to one tenant, with the role chosen then. It
      -- never refers to users: whether an account uses the address is not looked at when
      -- inviting (that was an enumeration oracle). It becomes a membership when someone signs
      -- up, logs in or opens the dashboard with that address, and is deleted then.
      CREATE TABLE invitations (
        id         INTEGER PRIMARY KEY,
        tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        email      TEXT NOT NULL COLLATE NOCASE,
        role       TEXT NOT NULL CHECK (role IN ('member', 'viewer')),
        invited_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        UNIQUE (tenant_id, email)
      );
      CREATE INDEX invitations_email ON invitations(email);
      CREATE INDEX invitations_expiry ON invitations(expires_at);
    `,
  },
];
