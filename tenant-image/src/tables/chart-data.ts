// The numbers behind a column chart: a histogram for numbers and dates, top values for text.
// Computed in SQL over the rows matching the current filters and search.
import type { Db } from '../db/open-database.js';
import { quoteIdent } from '../sql/identifier.js';
import { requireColumn } from './catalog.js';
import { andAll, type SqlFragment } from './row-filters.js';
import { whereOf, type RowQuery } from './page-query.js';

export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export type ChartData =
  | { kind: 'histogram'; column: string; scale: 'number' | 'date'; bins: HistogramBin[]; skipped: number }
  | { kind: 'top'; column: string; values: Array<{ value: string | null; count: number }>; others: number };

const MAX_BINS = 20;
const TOP_VALUES = 15;

function whereWith(q: RowQuery, extra: SqlFragment): SqlFragment {
  const base = whereOf(q);
  return andAll([...(base.sql ? [base] : []), extra]);
}

/** Bin edges for [min, max]; integers get unit-aligned bins when the range is small. */
export function planBins(min: number, max: number, integral: boolean): { width: number; count: number } {
  if (max === min) return { width: 1, count: 1 };
  const span = max - min;
  if (integral && span + 1 <= MAX_BINS) return { width: 1, count: span + 1 };
  const width = integral ? Math.ceil((span + 1) / MAX_BINS) : span / MAX_BINS;
  return { width, count: Math.max(1, Math.ceil((span + (integral ? 1 : 0)) / width)) };
}

export function readChartData(db: Db, q: RowQuery, column: string): ChartData {
  const col = requireColumn(q.table, column);
  const table = quoteIdent(q.table.name);
  const c = quoteIdent(col.name);
  if (col.kind === 'text') {
    const where = whereOf(q);
    const w = where.sql ? ` WHERE ${where.sql}` : '';
    const values = db
      .prepare(`SELECT ${c} AS value, count(*) AS count FROM ${table}${w} GROUP BY ${c} ORDER BY count DESC, value LIMIT ?`)
      .all(...where.params, TOP_VALUES) as Array<{ value: unknown; count: number }>;
    const total = db.prepare(`SELECT count(*) FROM ${table}${w}`).pluck().get(...where.params) as number;
    const shown = values.reduce((s, v) => s + v.count, 0);
    return { kind: 'top', column, values: values.map((v) => ({ value: v.value === null ? null : String(v.value), count: v.count })), others: total - shown };
  }
  const scale = col.kind === 'date' ? 'date' : 'number';
  // Dates are binned by day: julianday + 0.5 puts midnight on whole numbers (day n is n - 2440588
  // days after 1970-01-01). Values that are not numbers/dates are counted as skipped.
  const expr = scale === 'date' ? `(julianday(${c}) + 0.5)` : `(CASE WHEN typeof(${c}) IN ('integer', 'real') THEN ${c} END)`;
  const valid = whereWith(q, { sql: `${expr} IS NOT NULL`, params: [] });
  const all = whereOf(q);
  const stats = db
    .prepare(`SELECT min(${expr}) AS min, max(${expr}) AS max, count(*) AS n FROM ${table} WHERE ${valid.sql}`)
    .get(...valid.params) as { min: number | null; max: number | null; n: number };
  const total = db.prepare(`SELECT count(*) FROM ${table}${all.sql ? ` WHERE ${all.sql}` : ''}`).pluck().get(...all.params) as number;
  if (stats.min === null || stats.max === null) return { kind: 'histogram', column, scale, bins: [], skipped: total };
  const integral = col.kind === 'integer' || scale === 'date';
  const min = integral ? Math.floor(stats.min) : stats.min;
  const max = integral ? Math.floor(stats.max) : stats.max;
  const plan = planBins(min, max, integral);
  const counts = db
    .prepare(
      `SELECT min(CAST((${expr} - ?) / ? AS INTEGER), ?) AS bin, count(*) AS count FROM ${table} WHERE ${valid.sql} GROUP BY bin ORDER BY bin`,
    )
    .all(min, plan.width, plan.count - 1, ...valid.params) as Array<{ bin: number; count: number }>;
  const bins: HistogramBin[] = Array.from({ length: plan.count }, (_, i) => ({ from: min + i * plan.width, to: min + (i + 1) * plan.width, count: 0 }));
  for (const row of counts) {
    const bin = bins[row.bin];
    if (bin) bins[row.bin] = { ...bin, count: row.count };
  }
  return { kind: 'histogram', column, scale, bins, skipped: total - stats.n };
}
