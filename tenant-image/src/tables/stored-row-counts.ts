// Row counts written by the code that adds rows, in the same transaction: the tables page of a
// 1M-row table then never walks the table (count(*) takes 0.1-0.4 s on the request thread, and
// the first look after an import, or after either app copy starts, used to pay it). A stored
// count is valid while the table still has the root page and max(rowid) it was stored with;
// anything else (a table from before this record existed, a change made elsewhere) makes the
// reader count instead. Rows are added by imports and the rows API, and removed only by the
// app's row deletes (src/edits), which store the new count in their own transaction.
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';

type Db = Database.Database;

export interface TableShape {
  readonly rootpage: number;
  readonly maxRowid: number;
}

/** The table's root page and largest rowid, or null if it does not exist. */
export function tableShape(db: Db, table: string): TableShape | null {
  const rootpage = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as number | undefined;
  if (rootpage === undefined) return null;
  const maxRowid = (db.prepare(`SELECT max(rowid) FROM ${quoteIdent(table)}`).pluck().get() as number | null) ?? 0;
  return { rootpage, maxRowid };
}

/** The stored count if it describes the table as it is now (`shape`). */
export function readStoredCount(db: Db, table: string, shape: TableShape): number | undefined {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_berth_table_rows'").get();
  return exists ? storedCount(db, table, shape) : undefined;
}

/** As readStoredCount, once the record table is known to exist. */
function storedCount(db: Db, table: string, shape: TableShape): number | undefined {
  const row = db.prepare('SELECT rootpage, max_rowid AS maxRowid, rows FROM _berth_table_rows WHERE table_name = ?').get(table) as
    | { rootpage: number; maxRowid: number; rows: number }
    | undefined;
  return row && row.rootpage === shape.rootpage && row.maxRowid === shape.maxRowid ? row.rows : undefined;
}

/**
 * Inside the write transaction that added `added` rows to `table`: a new table (`before` null)
 * holds exactly those; an existing one holds its stored count plus those, if the stored count
 * described it just `before` the write; otherwise the record is dropped and readers count.
 */
export function noteRowsAdded(db: Db, table: string, before: TableShape | null, added: number): void {
  const after = tableShape(db, table);
  if (!after) return;
  const previous = before === null ? 0 : storedCount(db, table, before);
  if (previous === undefined) {
    db.prepare('DELETE FROM _berth_table_rows WHERE table_name = ?').run(table);
    return;
  }
  db.prepare(
    `INSERT INTO _berth_table_rows (table_name, rootpage, max_rowid, rows) VALUES (?, ?, ?, ?)
     ON CONFLICT (table_name) DO UPDATE SET rootpage = excluded.rootpage, max_rowid = excluded.max_rowid, rows = excluded.rows`,
  ).run(table, after.rootpage, after.maxRowid, previous + added);
}

/**
 * Inside the write transaction that removed `removed` rows: the stored count minus those if it
 * described the table just `before`, else a fresh count (a delete is a person's action, rare; the
 * count keeps every reader, the other app copy included, from trusting a cached count).
 */
export function noteRowsRemoved(db: Db, table: string, before: TableShape, removed: number): void {
  const after = tableShape(db, table);
  if (!after) return;
  const previous = storedCount(db, table, before);
  const rows = previous !== undefined ? previous - removed : (db.prepare(`SELECT count(*) FROM ${quoteIdent(table)}`).pluck().get() as number);
  db.prepare(
    `INSERT INTO _berth_table_rows (table_name, rootpage, max_rowid, rows) VALUES (?, ?, ?, ?)
     ON CONFLICT (table_name) DO UPDATE SET rootpage = excluded.rootpage, max_rowid = excluded.max_rowid, rows = excluded.rows`,
  ).run(table, after.rootpage, after.maxRowid, rows);
}

/** Inside the rename's transaction: the record follows the table (the root page stays). */
export function noteTableRenamed(db: Db, from: string, to: string): void {
  db.prepare('DELETE FROM _berth_table_rows WHERE table_name = ?').run(to);
  db.prepare('UPDATE _berth_table_rows SET table_name = ? WHERE table_name = ?').run(to, from);
}

export function noteTableDropped(db: Db, table: string): void {
  db.prepare('DELETE FROM _berth_table_rows WHERE table_name = ?').run(table);
}
