// Keeping a table's full-text index (_berth_fts_<table>, external content, built by the import
// module) in step with writes made by the app itself, inside the same transaction: an external-
// content FTS5 table must be told the old values of a row to forget it ('delete' command) and
// the new values to index it.
import type { Db } from '../db/open-database.js';
import { quoteIdent } from '../sql/identifier.js';
import { ftsTableName } from './text-search.js';

export interface SearchSync {
  /** The indexed columns (the table's text columns when the index was built). */
  readonly columns: readonly string[];
  forget(rowid: number, row: Readonly<Record<string, unknown>>): void;
  index(rowid: number, row: Readonly<Record<string, unknown>>): void;
}

/** Inside a write transaction: the table's index, or undefined when it has none (or triggers keep it). */
export function searchSyncFor(db: Db, table: string): SearchSync | undefined {
  const fts = ftsTableName(table);
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(fts)) return undefined;
  if (hasSyncTriggers(db, table)) return undefined;
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(fts) as string[];
  if (columns.length === 0) return undefined;
  const names = columns.map(quoteIdent).join(', ');
  const marks = columns.map(() => '?').join(', ');
  const del = db.prepare(`INSERT INTO ${quoteIdent(fts)} (${quoteIdent(fts)}, rowid, ${names}) VALUES ('delete', ?, ${marks})`);
  const ins = db.prepare(`INSERT INTO ${quoteIdent(fts)} (rowid, ${names}) VALUES (?, ${marks})`);
  const values = (row: Readonly<Record<string, unknown>>) => columns.map((c) => row[c] ?? null);
  return {
    columns,
    forget: (rowid, row) => void del.run(rowid, ...values(row)),
    index: (rowid, row) => void ins.run(rowid, ...values(row)),
  };
}

/** True when triggers on the table already maintain its index (then writing it again would double it). */
export function hasSyncTriggers(db: Db, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND sql LIKE '%_berth_fts_%'").get(table) !== undefined;
}

/** Inside a write transaction: drops the table's index and its record (rename and drop). */
export function dropSearchIndex(db: Db, table: string): void {
  db.exec(`DROP TABLE IF EXISTS ${quoteIdent(ftsTableName(table))}`);
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_berth_search_indexes'").get()) {
    // A build in progress (another copy's import worker) writes under its own name: drop that too;
    // the build then finds its table gone and gives up.
    const build = db.prepare('SELECT build_table FROM _berth_search_indexes WHERE table_name = ?').pluck().get(table) as string | null | undefined;
    if (build) db.exec(`DROP TABLE IF EXISTS ${quoteIdent(build)}`);
    db.prepare('DELETE FROM _berth_search_indexes WHERE table_name = ?').run(table);
  }
}
