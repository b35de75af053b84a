// What tables the user has: names, columns with their kinds, row counts. Internal tables
// (_berth_*, sqlite_*) are never listed. User text only becomes an identifier after it was
// found here, and then only through quoteIdent.
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { readStoredCount, tableShape, type TableShape } from './stored-row-counts.js';
import { INTERNAL_TABLE_PREFIXES, isInternalTable, quoteIdent } from '../sql/identifier.js';

export type ColumnKind = 'integer' | 'real' | 'date' | 'text';

export interface ColumnInfo {
  readonly name: string;
  readonly declaredType: string;
  readonly kind: ColumnKind;
}

export interface TableInfo {
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
}

/** Kind from a declared type, following SQLite's affinity rules plus DATE for dates. */
export function kindOfDeclaredType(declared: string): ColumnKind {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('DATE') || t.includes('TIME')) return 'date';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB') || t.includes('NUM') || t.includes('DEC')) return 'real';
  return 'text';
}

export function isNumericKind(kind: ColumnKind): boolean {
  return kind === 'integer' || kind === 'real';
}

// LIKE is case-insensitive for ASCII, as isInternalTable is; '_' is escaped (a wildcard otherwise).
const USER_TABLES_SQL = `SELECT name FROM sqlite_master WHERE type = 'table'
  ${INTERNAL_TABLE_PREFIXES.map((p) => `AND name NOT LIKE '${p.replaceAll('_', '\\_')}%' ESCAPE '\\'`).join(' ')}
  ORDER BY name COLLATE NOCASE`;

export function listTableNames(db: Db): string[] {
  return db.prepare(USER_TABLES_SQL).pluck().all() as string[];
}

export function findTable(db: Db, name: string): TableInfo | undefined {
  if (isInternalTable(name)) return undefined;
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
  if (!exists) return undefined;
  const cols = db.prepare('SELECT name, type FROM pragma_table_info(?) ORDER BY cid').all(name) as { name: string; type: string }[];
  return { name, columns: cols.map((c) => ({ name: c.name, declaredType: c.type, kind: kindOfDeclaredType(c.type) })) };
}

export function requireTable(db: Db, name: string): TableInfo {
  const t = findTable(db, name);
  if (!t) throw new BerthError('NOT_FOUND', `no table named "${name}"`, { table: name });
  return t;
}

export function requireColumn(table: TableInfo, name: string): ColumnInfo {
  const c = table.columns.find((col) => col.name === name);
  if (!c) throw new BerthError('VALIDATION_FAILED', `table "${table.name}" has no column "${name}"`, { column: name });
  return c;
}

/**
 * Row counts: the count stored by whatever added the rows (stored-row-counts.ts) when it still
 * describes the table, else kept here per table and grown by the rows added since the last look.
 * A full count(*) walks the whole table (~0.1–0.4 s at 1M rows, on the request thread). Rows are
 * added by imports and the API; the only deletes (src/edits) store the new count, which is read
 * first. So, without a stored count, with the same root page a table that did
 * not grow past its last max(rowid) has the same count, and one that did grew by the rows above
 * it. A new root page (replaced table) without a stored count is counted afresh.
 */
export function createRowCounter(db: Db): (table: string) => number {
  const known = new Map<string, TableShape & { rows: number }>();
  return (table) => {
    const id = quoteIdent(table);
    const read = db.transaction(() => {
      const shape = tableShape(db, table) ?? { rootpage: 0, maxRowid: 0 };
      // The stored count first: a row delete (on either app copy) leaves the shape as it was
      // but stores the new count, so a cached count of the same shape may be stale.
      const stored = readStoredCount(db, table, shape);
      if (stored !== undefined) {
        known.set(table, { ...shape, rows: stored });
        return stored;
      }
      const prev = known.get(table);
      if (prev && prev.rootpage === shape.rootpage && prev.maxRowid === shape.maxRowid) return prev.rows;
      const rows =
        (prev && prev.rootpage === shape.rootpage && shape.maxRowid > prev.maxRowid
          ? prev.rows + (db.prepare(`SELECT count(*) FROM ${id} WHERE rowid > ?`).pluck().get(prev.maxRowid) as number)
          : (db.prepare(`SELECT count(*) FROM ${id}`).pluck().get() as number));
      known.set(table, { ...shape, rows });
      return rows;
    });
    // One read transaction, so the shape and the count come from one snapshot.
    return read.deferred();
  };
}
