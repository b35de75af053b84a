// One row per import in _berth_imports: what file, how it was read, what it became, who and when.
// The table is created by the app's migrations (src/db/migrations.ts, migration 4).
import type Database from 'better-sqlite3';
import type { ColumnPlan, ImportMode } from './import-plan.js';

export type ImportStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface ImportRecord {
  id: string;
  tableName: string;
  mode: ImportMode;
  status: ImportStatus;
  fileName: string;
  fileBytes: number | null;
  sha256: string | null;
  encoding: string;
  delimiter: string;
  columns: ColumnPlan[];
  rowsImported: number;
  actor: string | null;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface StartedImport {
  id: string;
  tableName: string;
  mode: ImportMode;
  fileName: string;
  encoding: string;
  delimiter: string;
  columns: ColumnPlan[];
  actor: string | null;
  startedAt: string;
}

export function insertStartedImport(db: Database.Database, s: StartedImport): void {
  db.prepare(
    `INSERT INTO _berth_imports (id, table_name, mode, status, file_name, encoding, delimiter, columns_json, actor, started_at, heartbeat_at)
     VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(s.id, s.tableName, s.mode, s.fileName, s.encoding, s.delimiter, JSON.stringify(s.columns), s.actor, s.startedAt, s.startedAt);
}

export function recordHeartbeat(db: Database.Database, id: string, rows: number, at: string): void {
  db.prepare('UPDATE _berth_imports SET rows_imported = ?, heartbeat_at = ? WHERE id = ?').run(rows, at, id);
}

export interface FinishedImport {
  status: Exclude<ImportStatus, 'running'>;
  rows: number;
  fileBytes: number | null;
  sha256: string | null;
  columns?: ColumnPlan[];
  finishedAt: string;
  errorCode?: string;
  errorMessage?: string;
}

export function recordFinishedImport(db: Database.Database, id: string, f: FinishedImport): void {
  db.prepare(
    `UPDATE _berth_imports SET status = ?, rows_imported = ?, file_bytes = ?, sha256 = ?,
       columns_json = COALESCE(?, columns_json), finished_at = ?, heartbeat_at = ?, error_code = ?, error_message = ?
     WHERE id = ?`,
  ).run(
    f.status,
    f.rows,
    f.fileBytes,
    f.sha256,
    f.columns ? JSON.stringify(f.columns) : null,
    f.finishedAt,
    f.finishedAt,
    f.errorCode ?? null,
    f.errorMessage ?? null,
    id,
  );
}

interface ImportRow {
  id: string;
  table_name: string;
  mode: ImportMode;
  status: ImportStatus;
  file_name: string;
  file_bytes: number | null;
  sha256: string | null;
  encoding: string;
  delimiter: string;
  columns_json: string;
  rows_imported: number;
  actor: string | null;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  error_code: string | null;
  error_message: string | null;
}

/** Imports, newest first; only those into `table` when given. */
export function listImports(db: Database.Database, table?: string): ImportRecord[] {
  // Read paths never create the table: the caller may hold a read-only connection.
  if (!hasSchemaTable(db, '_berth_imports')) return [];
  const rows = (
    table === undefined
      ? db.prepare('SELECT * FROM _berth_imports ORDER BY seq DESC').all()
      : db.prepare('SELECT * FROM _berth_imports WHERE table_name = ? ORDER BY seq DESC').all(table)
  ) as ImportRow[];
  return rows.map(toRecord);
}

export function getImport(db: Database.Database, id: string): ImportRecord | null {
  if (!hasSchemaTable(db, '_berth_imports')) return null;
  const row = db.prepare('SELECT * FROM _berth_imports WHERE id = ?').get(id) as ImportRow | undefined;
  return row ? toRecord(row) : null;
}

/** The id of the latest successful import into `table`, or null. */
export function latestSucceededImportId(db: Database.Database, table: string): string | null {
  if (!hasSchemaTable(db, '_berth_imports')) return null;
  const row = db
    .prepare("SELECT id FROM _berth_imports WHERE table_name = ? AND status = 'succeeded' ORDER BY seq DESC LIMIT 1")
    .get(table) as { id: string } | undefined;
  return row?.id ?? null;
}

function toRecord(r: ImportRow): ImportRecord {
  return {
    id: r.id,
    tableName: r.table_name,
    mode: r.mode,
    status: r.status,
    fileName: r.file_name,
    fileBytes: r.file_bytes,
    sha256: r.sha256,
    encoding: r.encoding,
    delimiter: r.delimiter,
    columns: JSON.parse(r.columns_json) as ColumnPlan[],
    rowsImported: r.rows_imported,
    actor: r.actor,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    finishedAt: r.finished_at,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  };
}

export function hasSchemaTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
