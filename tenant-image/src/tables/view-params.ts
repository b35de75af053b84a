// The state of a table view as it travels in the URL (pure): filters, search, sort, page size,
// cursor, facets. Parsed once per request; turned back into links by viewPairs.
import { BerthError } from '../errors.js';
import type { TableInfo } from './catalog.js';
import { decodeCursor, type Cursor, type RowQuery } from './page-query.js';
import { filterPairs, parseFilters, type RowFilter } from './row-filters.js';
import { searchSql } from './text-search.js';

export interface ViewParams {
  readonly filters: readonly RowFilter[];
  readonly q: string;
  readonly sort?: string;
  readonly desc: boolean;
  readonly size: number;
  readonly after?: string;
  readonly facets: readonly string[];
}

export const MAX_PAGE_SIZE = 1000;
export const MAX_FACETS = 4;

function one(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length > 0 ? String(v[v.length - 1]) : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

export function parseViewParams(query: Record<string, unknown>, table: TableInfo, defaultSize: number): ViewParams {
  const sizeText = one(query.size);
  const size = sizeText === undefined || sizeText === '' ? defaultSize : Number(sizeText);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BerthError('BAD_REQUEST', `size must be an integer from 1 to ${MAX_PAGE_SIZE}`, { size: sizeText });
  }
  const sort = one(query.sort) || undefined;
  if (sort !== undefined && !table.columns.some((c) => c.name === sort)) {
    throw new BerthError('VALIDATION_FAILED', `cannot sort: table "${table.name}" has no column "${sort}"`, { sort });
  }
  const facetsRaw = query.facet === undefined ? [] : (Array.isArray(query.facet) ? query.facet : [query.facet]).map(String);
  const facets = [...new Set(facetsRaw.filter((f) => f !== ''))].slice(0, MAX_FACETS);
  for (const f of facets) {
    if (!table.columns.some((c) => c.name === f)) throw new BerthError('VALIDATION_FAILED', `cannot facet: table "${table.name}" has no column "${f}"`, { facet: f });
  }
  const after = one(query.after) || undefined;
  return {
    filters: parseFilters(query, table),
    q: (one(query.q) ?? '').trim(),
    ...(sort !== undefined ? { sort } : {}),
    desc: ['1', 'true', 'desc'].includes(one(query.desc) ?? ''),
    size,
    ...(after !== undefined ? { after } : {}),
    facets,
  };
}

export function rowQueryOf(table: TableInfo, v: ViewParams, searchIndexed: boolean): RowQuery {
  const search = v.q ? searchSql(table, v.q, searchIndexed) : undefined;
  return { table, filters: v.filters, ...(search ? { search } : {}), ...(v.sort !== undefined ? { sort: v.sort } : {}), desc: v.desc };
}

export function cursorOf(v: ViewParams): Cursor | undefined {
  return v.after === undefined ? undefined : decodeCursor(v.after);
}

/** Query-string pairs for a link from this view, with some parts changed; the cursor is dropped unless given. */
export function viewPairs(v: ViewParams, change: Partial<ViewParams> = {}, defaultSize?: number): Array<[string, string]> {
  const s = { ...v, after: undefined, ...change };
  const pairs: Array<[string, string]> = [...filterPairs(s.filters)];
  if (s.q) pairs.push(['q', s.q]);
  if (s.sort !== undefined) pairs.push(['sort', s.sort]);
  if (s.desc) pairs.push(['desc', '1']);
  if (s.size !== defaultSize && defaultSize !== undefined) pairs.push(['size', String(s.size)]);
  for (const f of s.facets) pairs.push(['facet', f]);
  if (s.after !== undefined) pairs.push(['after', s.after]);
  return pairs;
}
