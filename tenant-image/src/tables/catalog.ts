// What tables the user has: names, columns with their kinds, row counts. Internal tables
// (_berth_*, sqlite_*) are never listed. User text only becomes an identifier after it was
// found here, and then only through quoteIdent.
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { quoteIdent } from '../sql/identifier.js';

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

const USER_TABLES_SQL = `SELECT name FROM sqlite_master WHERE type = 'table'
  AND name NOT LIKE '\\_berth%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
  ORDER BY name COLLATE NOCASE`;

export function listTableNames(db: Db): string[] {
  return db.prepare(USER_TABLES_SQL).pluck().all() as string[];
}

export function findTable(db: Db, name: string): TableInfo | undefined {
  if (name.toLowerCase().startsWith('_berth') || name.toLowerCase().startsWith('sqlite_')) return undefined;
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
 * Row counts, cached until any connection commits a change: PRAGMA data_version on this
 * (read) connection changes whenever another connection — our writer or the other app copy
 * during a rollout — commits.
 */
export function createRowCounter(db: Db): (table: string) => number {
  const cache = new Map<string, number>();
  let seenVersion = -1;
  return (table) => {
    const version = db.pragma('data_version', { simple: true }) as number;
    if (version !== seenVersion) {
      cache.clear();
      seenVersion = version;
    }
    let n = cache.get(table);
    if (n === undefined) {
      n = db.prepare(`SELECT count(*) FROM ${quoteIdent(table)}`).pluck().get() as number;
      cache.set(table, n);
    }
    return n;
  };
}
