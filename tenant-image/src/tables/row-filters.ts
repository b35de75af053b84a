// Column filters of the table view, as data: parsed from the query string (parallel arrays
// fc=<column>&fo=<op>&fv=<value>, so a plain HTML form can add one) and turned into a WHERE
// fragment with bound parameters. Combinable: all filters must hold (AND).
import { BerthError } from '../errors.js';
import { quoteIdent } from '../sql/identifier.js';
import type { TableInfo } from './catalog.js';

export const FILTER_OPS = {
  eq: 'equals',
  ne: 'not equals',
  contains: 'contains',
  gt: 'greater than',
  lt: 'less than',
  empty: 'is empty',
  notempty: 'is not empty',
} as const;

export type FilterOp = keyof typeof FILTER_OPS;

export interface RowFilter {
  readonly column: string;
  readonly op: FilterOp;
  readonly value: string;
}

export interface SqlFragment {
  readonly sql: string;
  readonly params: unknown[];
}

function asArray(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function isFilterOp(op: string): op is FilterOp {
  return Object.hasOwn(FILTER_OPS, op);
}

export function parseFilters(query: Record<string, unknown>, table: TableInfo): RowFilter[] {
  const cols = asArray(query.fc);
  const ops = asArray(query.fo);
  const vals = asArray(query.fv);
  const out: RowFilter[] = [];
  cols.forEach((column, i) => {
    if (column === '') return;
    const op = ops[i] ?? 'eq';
    if (!isFilterOp(op)) throw new BerthError('BAD_REQUEST', `unknown filter operator "${op}"`, { op, allowed: Object.keys(FILTER_OPS) });
    if (!table.columns.some((c) => c.name === column)) {
      throw new BerthError('VALIDATION_FAILED', `table "${table.name}" has no column "${column}"`, { column });
    }
    out.push({ column, op, value: vals[i] ?? '' });
  });
  return out;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One filter as SQL. Values are bound as text; column affinity makes numeric columns compare as numbers. */
export function filterSql(f: RowFilter): SqlFragment {
  const col = quoteIdent(f.column);
  switch (f.op) {
    case 'eq':
      return { sql: `${col} = ?`, params: [f.value] };
    case 'ne':
      return { sql: `(${col} IS NULL OR ${col} <> ?)`, params: [f.value] };
    case 'contains':
      return { sql: `${col} LIKE ? ESCAPE '\\'`, params: [`%${escapeLike(f.value)}%`] };
    case 'gt':
      return { sql: `${col} > ?`, params: [f.value] };
    case 'lt':
      return { sql: `${col} < ?`, params: [f.value] };
    case 'empty':
      return { sql: `(${col} IS NULL OR ${col} = '')`, params: [] };
    case 'notempty':
      return { sql: `(${col} IS NOT NULL AND ${col} <> '')`, params: [] };
  }
}

/** AND of every fragment; empty input gives an empty SQL string. */
export function andAll(parts: readonly SqlFragment[]): SqlFragment {
  if (parts.length === 0) return { sql: '', params: [] };
  return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };
}

/** Query-string pairs that reproduce the filters (for links that keep them). */
export function filterPairs(filters: readonly RowFilter[]): Array<[string, string]> {
  return filters.flatMap((f) => [['fc', f.column], ['fo', f.op], ['fv', f.value]] as Array<[string, string]>);
}
