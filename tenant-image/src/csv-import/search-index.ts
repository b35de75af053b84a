// Full-text search over a table's text columns: an external-content FTS5 table
// _berth_fts_<table> whose columns are the table's text columns (same names) and whose rowid is
// the table's rowid. It is built under a temporary name in batched short transactions (a 1M-row
// table never holds the write lock for long) and renamed into place in one short transaction.
// _berth_search_indexes (a migration, src/db/migrations.ts) records which import each index
// reflects, so "is it current" is a lookup.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';
import { ImportError } from './import-errors.js';
import { runImmediate } from './immediate-transaction.js';
import { hasSchemaTable, latestSucceededImportId } from './provenance.js';
import { readTableColumns } from './table-columns.js';

export const FTS_PREFIX = '_berth_fts_';
export const FTS_BUILD_PREFIX = '_berth_ftsbuild_';
const DEFAULT_BATCH_ROWS = 2_000;
const MIN_BATCH_ROWS = 200;
const MAX_BATCH_ROWS = 50_000;
const BATCH_TARGET_MS = 40;

export function searchIndexName(table: string): string {
  return `${FTS_PREFIX}${table}`;
}

export interface SearchIndexInfo {
  table: string;
  ftsTable: string;
  /** The indexed (text) columns; empty means the table has nothing to search and no FTS table exists. */
  columns: string[];
  importId: string | null;
  rowsIndexed: number;
  builtAt: string;
  current: boolean;
}

export function getSearchIndexInfo(db: Database.Database, table: string): SearchIndexInfo | null {
  if (!hasSchemaTable(db, '_berth_search_indexes')) return null;
  const row = db.prepare('SELECT * FROM _berth_search_indexes WHERE table_name = ? AND built_at IS NOT NULL').get(table) as
    | { fts_table: string; columns_json: string; import_id: string | null; rows_indexed: number; built_at: string }
    | undefined;
  if (!row) return null;
  const columns = JSON.parse(row.columns_json) as string[];
  const ftsExists = hasSchemaTable(db, row.fts_table);
  const current = row.import_id === latestSucceededImportId(db, table) && (columns.length === 0 || ftsExists);
  return { table, ftsTable: row.fts_table, columns, importId: row.import_id, rowsIndexed: row.rows_indexed, builtAt: row.built_at, current };
}

/** True when the search index reflects the table's latest successful import. */
export function isSearchIndexCurrent(db: Database.Database, table: string): boolean {
  return getSearchIndexInfo(db, table)?.current ?? false;
}

export interface RebuildOptions {
  batchRows?: number;
}

/**
 * (Re)builds the search index of `table`. Returns the new index info, or null when the table
 * changed (another import finished) while building — the build is discarded, and the import that
 * changed it triggers its own rebuild.
 */
export async function rebuildSearchIndex(
  db: Database.Database,
  table: string,
  signal?: AbortSignal,
  opts: RebuildOptions = {},
): Promise<SearchIndexInfo | null> {
  const columns = readTableColumns(db, table);
  if (!columns) throw new ImportError('CSV_TABLE_NOT_FOUND', `There is no table "${table}" to index.`);
  const textColumns = columns.filter((c) => c.type === 'text').map((c) => c.name);
  const importId = latestSucceededImportId(db, table);
  const ftsTable = searchIndexName(table);
  if (textColumns.length === 0) {
    runImmediate(db, () => {
      db.exec(`DROP TABLE IF EXISTS ${quoteIdent(ftsTable)}`);
      upsertBuilt(db, table, ftsTable, [], importId, 0);
    });
    return getSearchIndexInfo(db, table);
  }
  const build = `${FTS_BUILD_PREFIX}${randomBytes(6).toString('hex')}`;
  const quotedCols = textColumns.map(quoteIdent).join(', ');
  const contentOption = `'${table.replaceAll("'", "''")}'`;
  runImmediate(db, () => {
    db.exec(
      `CREATE VIRTUAL TABLE ${quoteIdent(build)} USING fts5(${quotedCols}, content=${contentOption}, content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
    );
    db.prepare(
      `INSERT INTO _berth_search_indexes (table_name, fts_table, build_table, build_heartbeat_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (table_name) DO UPDATE SET build_table = excluded.build_table, build_heartbeat_at = excluded.build_heartbeat_at`,
    ).run(table, ftsTable, build, new Date().toISOString());
  });
  try {
    // Each batch holds the write lock, and a request on the app's thread that writes waits for
    // it: batches are sized to take about BATCH_TARGET_MS (tokenising costs differ per table).
    let batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS;
    const lastRowid = db.prepare(
      `SELECT max(rowid) FROM (SELECT rowid FROM ${quoteIdent(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?)`,
    ).pluck();
    const copy = db.prepare(
      `INSERT INTO ${quoteIdent(build)} (rowid, ${quotedCols}) SELECT rowid, ${quotedCols} FROM ${quoteIdent(table)} WHERE rowid > ? AND rowid <= ?`,
    );
    const beat = db.prepare('UPDATE _berth_search_indexes SET build_heartbeat_at = ? WHERE table_name = ?');
    let after = -Infinity;
    let rows = 0;
    while (true) {
      if (signal?.aborted) throw new ImportError('CSV_CANCELLED', 'Building the search index was cancelled.');
      const upTo = lastRowid.get(after, batchRows) as number | null;
      if (upTo === null) break;
      const started = performance.now();
      runImmediate(db, () => {
        rows += copy.run(after, upTo).changes;
        beat.run(new Date().toISOString(), table);
      });
      if (opts.batchRows === undefined) {
        const tookMs = Math.max(1, performance.now() - started);
        batchRows = Math.round(Math.min(MAX_BATCH_ROWS, Math.max(MIN_BATCH_ROWS, (batchRows * BATCH_TARGET_MS) / tookMs)));
      }
      after = upTo;
      await yieldToEventLoop();
    }
    const swapped = runImmediate(db, () => {
      if (latestSucceededImportId(db, table) !== importId) return false;
      db.exec(`DROP TABLE IF EXISTS ${quoteIdent(ftsTable)}`);
      db.exec(`ALTER TABLE ${quoteIdent(build)} RENAME TO ${quoteIdent(ftsTable)}`);
      upsertBuilt(db, table, ftsTable, textColumns, importId, rows);
      return true;
    });
    if (!swapped) {
      dropBuild(db, table, build);
      return null;
    }
    return getSearchIndexInfo(db, table);
  } catch (err) {
    dropBuild(db, table, build);
    throw err;
  }
}

function upsertBuilt(db: Database.Database, table: string, ftsTable: string, columns: string[], importId: string | null, rows: number): void {
  db.prepare(
    `INSERT INTO _berth_search_indexes (table_name, fts_table, columns_json, import_id, rows_indexed, built_at, build_table, build_heartbeat_at)
     VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)
     ON CONFLICT (table_name) DO UPDATE SET fts_table = excluded.fts_table, columns_json = excluded.columns_json,
       import_id = excluded.import_id, rows_indexed = excluded.rows_indexed, built_at = excluded.built_at,
       build_table = NULL, build_heartbeat_at = NULL`,
  ).run(table, ftsTable, JSON.stringify(columns), importId, rows, new Date().toISOString());
}

function dropBuild(db: Database.Database, table: string, build: string): void {
  runImmediate(db, () => {
    db.exec(`DROP TABLE IF EXISTS ${quoteIdent(build)}`);
    db.prepare('UPDATE _berth_search_indexes SET build_table = NULL, build_heartbeat_at = NULL WHERE table_name = ? AND build_table = ?').run(
      table,
      build,
    );
  });
}

/** Drops half-built indexes whose builder stopped beating before `cutoff` (ISO time); returns their names. */
export function dropStaleSearchBuilds(db: Database.Database, cutoff: string): string[] {
  const builds = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, ?) = ? AND sql LIKE 'CREATE VIRTUAL TABLE%'`)
    .pluck()
    .all(FTS_BUILD_PREFIX.length, FTS_BUILD_PREFIX) as string[];
  const dropped: string[] = [];
  for (const name of builds) {
    runImmediate(db, () => {
      const live = db
        .prepare('SELECT 1 FROM _berth_search_indexes WHERE build_table = ? AND build_heartbeat_at > ?')
        .get(name, cutoff);
      if (live) return;
      db.exec(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
      db.prepare('UPDATE _berth_search_indexes SET build_table = NULL, build_heartbeat_at = NULL WHERE build_table = ?').run(name);
      dropped.push(name);
    });
  }
  return dropped;
}
