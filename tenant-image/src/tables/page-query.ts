// Keyset pagination of a table (pure: builds SQL and parameters). Pages are ordered by rowid,
// or by a sort column with rowid as tiebreak, and the next page starts strictly after the
// last row seen, so deep pages cost the same as the first and concurrent appends never make a
// row appear twice. NULLs (missing values) come last in both directions, as users expect of a
// sorted column ("largest delays first" must not open on the cancelled flights); the keyset
// conditions below follow that order: the non-NULL values, then the NULLs by rowid.
import { BerthError } from '../errors.js';
import { quoteIdent } from '../sql/identifier.js';
import type { TableInfo } from './catalog.js';
import { andAll, filterSql, type RowFilter, type SqlFragment } from './row-filters.js';

export type SqlValue = string | number | null;

export interface Cursor {
  /** Value of the sort column in the last row seen (absent when ordered by rowid). */
  readonly value?: SqlValue;
  readonly rowid: number;
}

export interface RowQuery {
  readonly table: TableInfo;
  readonly filters: readonly RowFilter[];
  readonly search?: SqlFragment;
  readonly sort?: string;
  readonly desc: boolean;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c.value === undefined ? [c.rowid] : [c.rowid, c.value])).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    const a = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(a) && Number.isSafeInteger(a[0]) && (a.length === 1 || (a.length === 2 && (a[1] === null || ['string', 'number'].includes(typeof a[1]))))) {
      return a.length === 1 ? { rowid: a[0] as number } : { rowid: a[0] as number, value: a[1] as SqlValue };
    }
  } catch {
    // fall through to the error below
  }
  throw new BerthError('BAD_REQUEST', 'invalid page cursor', { after: s });
}

/** WHERE fragment of filters + search, shared by the page, the count, facets, charts and exports. */
export function whereOf(q: RowQuery): SqlFragment {
  return andAll([...q.filters.map(filterSql), ...(q.search ? [q.search] : [])]);
}

function keysetSql(q: RowQuery, after: Cursor): SqlFragment {
  if (!q.sort) return { sql: q.desc ? 'rowid < ?' : 'rowid > ?', params: [after.rowid] };
  const col = quoteIdent(q.sort);
  const v = after.value ?? null;
  const beyond = q.desc ? '<' : '>';
  // Among the NULLs (the last stretch) only the rowid tiebreak is left.
  if (v === null) return { sql: `${col} IS NULL AND rowid ${beyond} ?`, params: [after.rowid] };
  return { sql: `${col} ${beyond} ? OR (${col} = ? AND rowid ${beyond} ?) OR ${col} IS NULL`, params: [v, v, after.rowid] };
}

export function orderSql(q: RowQuery): string {
  const dir = q.desc ? 'DESC' : 'ASC';
  return q.sort ? `ORDER BY ${quoteIdent(q.sort)} ${dir} NULLS LAST, rowid ${dir}` : `ORDER BY rowid ${dir}`;
}

/** SELECT of one page plus one extra row (to know whether a next page exists); rows come as [rowid, ...columns]. */
export function buildPageQuery(q: RowQuery, size: number, after?: Cursor): SqlFragment {
  if (q.sort !== undefined && !q.table.columns.some((c) => c.name === q.sort)) {
    throw new BerthError('VALIDATION_FAILED', `cannot sort: table "${q.table.name}" has no column "${q.sort}"`, { sort: q.sort });
  }
  const where = andAll([...(whereOf(q).sql ? [whereOf(q)] : []), ...(after ? [keysetSql(q, after)] : [])]);
  const cols = q.table.columns.map((c) => quoteIdent(c.name)).join(', ');
  return {
    sql: `SELECT rowid, ${cols} FROM ${quoteIdent(q.table.name)}${where.sql ? ` WHERE ${where.sql}` : ''} ${orderSql(q)} LIMIT ?`,
    params: [...where.params, size + 1],
  };
}

export function buildCountQuery(q: RowQuery): SqlFragment {
  const where = whereOf(q);
  return { sql: `SELECT count(*) FROM ${quoteIdent(q.table.name)}${where.sql ? ` WHERE ${where.sql}` : ''}`, params: where.params };
}

/** Cursor pointing after the given raw row ([rowid, ...columns]). */
export function cursorAfter(q: RowQuery, row: readonly unknown[]): Cursor {
  const rowid = row[0] as number;
  if (!q.sort) return { rowid };
  const idx = q.table.columns.findIndex((c) => c.name === q.sort);
  const v = row[idx + 1];
  return { rowid, value: typeof v === 'string' || typeof v === 'number' ? v : null };
}
