// Numbered, append-only migrations of the app's internal tables (all named _berth_*).
// Rule for rollouts (ROLLOUT.md F9): a migration only ADDS (tables, nullable columns, indexes),
// so the previous version, still serving on the same file during the overlap, keeps working.
// Never edit a shipped migration; add a new one. Times are unix milliseconds.
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'api tokens and uploads',
    sql: `
      -- Tokens are random 32-byte values shown once; only their SHA-256 is stored.
      CREATE TABLE IF NOT EXISTS _berth_api_tokens (
        id               INTEGER PRIMARY KEY,
        name             TEXT NOT NULL,
        token_hash       TEXT NOT NULL UNIQUE,
        token_hint       TEXT NOT NULL,
        created_by_id    TEXT NOT NULL,
        created_by_email TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        last_used_at     INTEGER,
        revoked_at       INTEGER
      );
      -- Uploaded files waiting for review live at <data>/uploads/<id>.csv; this row says whose they are.
      CREATE TABLE IF NOT EXISTS _berth_uploads (
        id          TEXT PRIMARY KEY,
        file_name   TEXT NOT NULL,
        size_bytes  INTEGER NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      );
    `,
  },
];
