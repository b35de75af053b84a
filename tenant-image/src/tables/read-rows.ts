// Runs the read queries of the table view on the read-only connection: a page, the filtered
// count, one row, facets.
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { quoteIdent } from '../sql/identifier.js';
import type { TableInfo } from './catalog.js';
import { buildCountQuery, buildPageQuery, cursorAfter, encodeCursor, whereOf, type Cursor, type RowQuery } from './page-query.js';

export interface RowPage {
  /** Each row is [rowid, ...values in column order]. */
  readonly rows: unknown[][];
  readonly next?: string;
  readonly total: number;
}

export function readPage(db: Db, q: RowQuery, size: number, after?: Cursor): RowPage {
  const page = buildPageQuery(q, size, after);
  const rows = db.prepare(page.sql).raw().all(...page.params) as unknown[][];
  const hasMore = rows.length > size;
  if (hasMore) rows.length = size;
  const count = buildCountQuery(q);
  const total = db.prepare(count.sql).pluck().get(...count.params) as number;
  const last = rows[rows.length - 1];
  return { rows, total, ...(hasMore && last ? { next: encodeCursor(cursorAfter(q, last)) } : {}) };
}

export function readRow(db: Db, table: TableInfo, rowid: number): Record<string, unknown> {
  const cols = table.columns.map((c) => quoteIdent(c.name)).join(', ');
  const row = db.prepare(`SELECT ${cols} FROM ${quoteIdent(table.name)} WHERE rowid = ?`).get(rowid) as Record<string, unknown> | undefined;
  if (!row) throw new BerthError('NOT_FOUND', `table "${table.name}" has no row ${rowid}`, { rowid });
  return row;
}

export interface Facet {
  readonly column: string;
  readonly values: ReadonlyArray<{ value: unknown; count: number }>;
  /** Distinct values beyond those listed. */
  readonly more: boolean;
}

export const FACET_LIMIT = 10;

/** Top values (with counts) of a column among the rows matching the current filters and search. */
export function readFacet(db: Db, q: RowQuery, column: string): Facet {
  if (!q.table.columns.some((c) => c.name === column)) {
    throw new BerthError('VALIDATION_FAILED', `cannot facet: table "${q.table.name}" has no column "${column}"`, { facet: column });
  }
  const where = whereOf(q);
  const col = quoteIdent(column);
  const rows = db
    .prepare(
      `SELECT ${col} AS value, count(*) AS count FROM ${quoteIdent(q.table.name)}${where.sql ? ` WHERE ${where.sql}` : ''}
       GROUP BY ${col} ORDER BY count DESC, value LIMIT ?`,
    )
    .all(...where.params, FACET_LIMIT + 1) as Array<{ value: unknown; count: number }>;
  const more = rows.length > FACET_LIMIT;
  return { column, values: rows.slice(0, FACET_LIMIT), more };
}

/** Rows as objects keyed by column name, plus rowid, for the JSON API. */
export function rowsAsObjects(table: TableInfo, rows: readonly unknown[][]): Array<Record<string, unknown>> {
  return rows.map((r) => {
    const o: Record<string, unknown> = { rowid: r[0] };
    table.columns.forEach((c, i) => {
      o[c.name] = r[i + 1];
    });
    return o;
  });
}
