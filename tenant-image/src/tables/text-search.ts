// Full-text search over a table. The CSV import module keeps an FTS5 index named
// _berth_fts_<table> whose rowids are the table's rowids; without one (a table made by other
// means, or an index being rebuilt) search falls back to LIKE over every column.
import type { Db } from '../db/open-database.js';
import { quoteIdent } from '../sql/identifier.js';
import type { TableInfo } from './catalog.js';
import type { SqlFragment } from './row-filters.js';

export function ftsTableName(table: string): string {
  return `_berth_fts_${table}`;
}

export function hasSearchIndex(db: Db, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(ftsTableName(table)) !== undefined;
}

/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error: every word is
 * a quoted string (quotes doubled), all must match, and the last one matches as a prefix so
 * results appear while typing.
 */
export function toFtsQuery(text: string): string | undefined {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  return words.map((w, i) => `"${w.replaceAll('"', '""')}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

export function searchSql(table: TableInfo, text: string, indexed: boolean): SqlFragment | undefined {
  const q = toFtsQuery(text);
  if (!q) return undefined;
  if (indexed) {
    const fts = quoteIdent(ftsTableName(table.name));
    return { sql: `rowid IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ?)`, params: [q] };
  }
  const words = text.split(/\s+/).filter(Boolean);
  const perWord = words.map((w) => {
    const like = `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return {
      sql: table.columns.map((c) => `${quoteIdent(c.name)} LIKE ? ESCAPE '\\'`).join(' OR '),
      params: table.columns.map(() => like),
    };
  });
  return { sql: perWord.map((p) => `(${p.sql})`).join(' AND '), params: perWord.flatMap((p) => p.params) };
}
