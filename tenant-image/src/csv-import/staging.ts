// The staging table an import fills before anything visible changes: _berth_import_<id>. It is
// renamed into place (create, replace) or copied from (append) in one short final transaction,
// and dropped on failure; dropStaleStagingTables() removes those a crash left behind.
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';
import { sqlTypeFor } from './cell-types.js';
import type { ColumnPlan } from './import-plan.js';
import { runImmediate } from './immediate-transaction.js';
import { removeStaleScratchFiles } from './scratch-file.js';
import { dropStaleSearchBuilds } from './search-index.js';

export const STAGING_PREFIX = '_berth_import_';
/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766; stay under it. */
const MAX_STATEMENT_VARIABLES = 30_000;
const MAX_ROWS_PER_STATEMENT = 20;

export function stagingTableName(importId: string): string {
  return `${STAGING_PREFIX}${importId}`;
}

export function createTableSql(table: string, columns: readonly ColumnPlan[]): string {
  const defs = columns.map((c) => `${quoteIdent(c.name)} ${sqlTypeFor(c.type)}`).join(', ');
  return `CREATE TABLE ${quoteIdent(table)} (${defs})`;
}

/** Rows per multi-row INSERT: fewer statement executions is most of the insert speed-up. */
export function rowsPerStatement(columnCount: number): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_STATEMENT_VARIABLES / columnCount)));
}

export function insertRowsSql(table: string, columnCount: number, rows: number): string {
  const tuple = `(${new Array<string>(columnCount).fill('?').join(',')})`;
  return `INSERT INTO ${quoteIdent(table)} VALUES ${new Array<string>(rows).fill(tuple).join(',')}`;
}

export function dropTableIfExists(db: Database.Database, table: string): void {
  db.exec(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
}

export interface StaleCleanupOptions {
  /** An import whose heartbeat is older than this is presumed dead. Default 60 s. */
  staleAfterMs?: number;
  now?: Date;
}

/**
 * Startup cleanup after a crash: drops staging tables (and half-built search indexes) whose
 * import is not running, or whose heartbeat stopped, and marks such imports interrupted; deletes
 * such imports' scratch files. An import still beating belongs to the other copy of the app
 * during a rollout and is left alone. Returns the names of the tables (and files) removed.
 */
export function dropStaleStagingTables(db: Database.Database, opts: StaleCleanupOptions = {}): string[] {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - (opts.staleAfterMs ?? 60_000)).toISOString();
  const dropped: string[] = [];
  const staging = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, ?) = ?`)
    .pluck()
    .all(STAGING_PREFIX.length, STAGING_PREFIX) as string[];
  for (const name of staging) {
    const id = name.slice(STAGING_PREFIX.length);
    runImmediate(db, () => {
      const row = db.prepare('SELECT status, heartbeat_at FROM _berth_imports WHERE id = ?').get(id) as
        | { status: string; heartbeat_at: string }
        | undefined;
      if (row && row.status === 'running' && row.heartbeat_at > cutoff) return;
      dropTableIfExists(db, name);
      dropped.push(name);
    });
  }
  runImmediate(db, () => {
    db.prepare(
      `UPDATE _berth_imports SET status = 'interrupted', error_code = 'CSV_INTERRUPTED',
         error_message = 'The process importing the file stopped; nothing was written.', finished_at = ?
       WHERE status = 'running' AND heartbeat_at <= ?`,
    ).run(now.toISOString(), cutoff);
  });
  dropped.push(...dropStaleSearchBuilds(db, cutoff));
  if (!db.memory && db.name !== '') {
    const beating = db.prepare("SELECT 1 FROM _berth_imports WHERE id = ? AND status = 'running' AND heartbeat_at > ?").pluck();
    dropped.push(...removeStaleScratchFiles(db.name, (id) => beating.get(id, cutoff) !== undefined));
  }
  return dropped;
}

