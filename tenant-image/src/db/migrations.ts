// Numbered, append-only migrations of the app's internal tables (all named _berth_*).
// Rule for rollouts (ROLLOUT.md F9): a migration only ADDS (tables, nullable columns, indexes),
// so the previous version, still serving on the same file during the overlap, keeps working.
// Never edit a shipped migration; add a new one. Times are unix milliseconds.
import type { Migration } from '@berth/common/migrations';

export type { Migration } from '@berth/common/migrations';

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
  {
    id: 2,
    name: 'import jobs',
    sql: `
      -- One row per import job, written by the app copy that runs it (start, a beat every few
      -- seconds, outcome) and read by either copy during a rollout. The id is also the id of the
      -- import's _berth_imports row (the CSV module's provenance), which carries rows so far.
      -- cancel_requested_at is set by whichever copy received the cancel; the running copy acts on it.
      -- Not named _berth_import_*: every version's startup cleanup drops tables with that prefix
      -- (staging tables of crashed imports), and the previous version runs it during a rollout.
      CREATE TABLE IF NOT EXISTS _berth_jobs (
        id                  TEXT PRIMARY KEY,
        upload_id           TEXT NOT NULL,
        file_name           TEXT NOT NULL,
        table_name          TEXT NOT NULL,
        mode                TEXT NOT NULL,
        actor               TEXT NOT NULL,
        owner               TEXT NOT NULL,
        state               TEXT NOT NULL,
        indexing            INTEGER NOT NULL DEFAULT 0,
        rows                INTEGER NOT NULL DEFAULT 0,
        bytes               INTEGER NOT NULL DEFAULT 0,
        total_bytes         INTEGER NOT NULL,
        started_at          INTEGER NOT NULL,
        beat_at             INTEGER NOT NULL,
        finished_at         INTEGER,
        cancel_requested_at INTEGER,
        error_json          TEXT,
        result_json         TEXT
      );
      CREATE INDEX IF NOT EXISTS _berth_jobs_by_state ON _berth_jobs (state, started_at);
    `,
  },
  {
    id: 3,
    name: 'activity log and saved queries',
    sql: `
      -- Every change made in the instance through its own pages or API (cell edits, row deletes,
      -- appends, renames, drops, saved queries): who, what, when. Written in the same writeTx as
      -- the change, so the log never claims a change that did not commit, nor misses one that did.
      -- details_json holds the change (old and new values of a cell, the rows deleted, ...).
      CREATE TABLE IF NOT EXISTS _berth_activity (
        id           INTEGER PRIMARY KEY,
        at           INTEGER NOT NULL,
        actor_id     TEXT NOT NULL,
        actor_email  TEXT NOT NULL,
        via          TEXT NOT NULL,
        action       TEXT NOT NULL,
        table_name   TEXT,
        row_id       INTEGER,
        summary      TEXT NOT NULL,
        details_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX IF NOT EXISTS _berth_activity_by_table ON _berth_activity (table_name, id);
      -- Queries kept under a name, run again from the tables page. Names are unique ignoring case.
      CREATE TABLE IF NOT EXISTS _berth_saved_queries (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        sql         TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
    `,
  },
  {
    id: 4,
    name: 'import provenance, search indexes, stored row counts',
    sql: `
      -- Created lazily (CREATE TABLE IF NOT EXISTS at first use) by earlier versions, which go on
      -- doing so during a rollout: same definitions, IF NOT EXISTS both ways, so a database
      -- either version touched first works for both.
      -- One row per import (src/csv-import/provenance.ts): what file, how it was read, what it
      -- became, who and when; heartbeat_at shows the import is still alive.
      CREATE TABLE IF NOT EXISTS _berth_imports (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        table_name TEXT NOT NULL,
        mode TEXT NOT NULL,
        status TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_bytes INTEGER,
        sha256 TEXT,
        encoding TEXT NOT NULL,
        delimiter TEXT NOT NULL,
        columns_json TEXT NOT NULL,
        rows_imported INTEGER NOT NULL DEFAULT 0,
        actor TEXT,
        started_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL,
        finished_at TEXT,
        error_code TEXT,
        error_message TEXT
      );
      CREATE INDEX IF NOT EXISTS _berth_imports_by_table ON _berth_imports (table_name, seq);
      -- Which import each table's full-text index reflects, and the build under way
      -- (src/csv-import/search-index.ts).
      CREATE TABLE IF NOT EXISTS _berth_search_indexes (
        table_name TEXT PRIMARY KEY,
        fts_table TEXT NOT NULL,
        columns_json TEXT NOT NULL DEFAULT '[]',
        import_id TEXT,
        rows_indexed INTEGER NOT NULL DEFAULT 0,
        built_at TEXT,
        build_table TEXT,
        build_heartbeat_at TEXT
      );
      -- Row counts stored by whatever adds or removes rows, valid while the table keeps this root
      -- page and max(rowid) (src/tables/stored-row-counts.ts).
      CREATE TABLE IF NOT EXISTS _berth_table_rows (table_name TEXT PRIMARY KEY, rootpage INTEGER NOT NULL, max_rowid INTEGER NOT NULL, rows INTEGER NOT NULL);
    `,
  },
];
