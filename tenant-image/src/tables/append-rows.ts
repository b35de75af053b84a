// POST /api/tables/:t/rows: appends JSON rows in one short BEGIN IMMEDIATE transaction. The
// caller is answered only after COMMIT, so an acknowledged write is durable (the rollout proof
// counts on it). The search index, when the table has one, is kept in step in the same
// transaction.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/write-tx.js';
import { BerthError } from '../errors.js';
import { quoteIdent } from '../sql/identifier.js';
import type { TableInfo } from './catalog.js';
import { recordActivity, type Actor } from '../edits/activity-log.js';
import { hasSyncTriggers } from './search-sync.js';
import { noteRowsAdded, tableShape } from './stored-row-counts.js';
import { ftsTableName } from './text-search.js';

export type JsonRow = Record<string, unknown>;

/** Checks the body shape and returns the rows; pure. */
export function validateAppendBody(body: unknown, table: TableInfo, maxRows: number): JsonRow[] {
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows) || rows.length === 0) throw new BerthError('BAD_REQUEST', 'expected a body {"rows": [{column: value}, ...]} with at least one row');
  if (rows.length > maxRows) throw new BerthError('PAYLOAD_TOO_LARGE', `at most ${maxRows} rows per request`, { rows: rows.length, max: maxRows });
  const known = new Set(table.columns.map((c) => c.name));
  rows.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new BerthError('BAD_REQUEST', `row ${i} is not an object`, { row: i });
    for (const [k, v] of Object.entries(r as JsonRow)) {
      if (!known.has(k)) throw new BerthError('VALIDATION_FAILED', `row ${i}: table "${table.name}" has no column "${k}"`, { row: i, column: k });
      if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
        throw new BerthError('VALIDATION_FAILED', `row ${i}: column "${k}" must be a string, number, boolean or null`, { row: i, column: k });
      }
    }
  });
  return rows as JsonRow[];
}

function toSqlValue(v: unknown): string | number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v as string | number;
}

/** `actor`: who appends, for the activity log (one entry per request). */
export function appendRows(db: Db, table: TableInfo, rows: readonly JsonRow[], actor: Actor): { inserted: number; firstRowid: number; lastRowid: number } {
  const cols = table.columns.map((c) => c.name);
  const insert = db.prepare(`INSERT INTO ${quoteIdent(table.name)} (${cols.map(quoteIdent).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  return writeTx(db, () => {
    const before = tableShape(db, table.name);
    // Looked up inside the transaction: an import may have (re)built the index since.
    const fts = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(ftsTableName(table.name)) as string | undefined;
    const ftsCols = fts ? ftsColumns(db, ftsTableName(table.name)) : [];
    const ftsInsert = fts && ftsCols.length > 0 && !hasSyncTriggers(db, table.name)
      ? db.prepare(`INSERT INTO ${quoteIdent(ftsTableName(table.name))} (rowid, ${ftsCols.map(quoteIdent).join(', ')}) VALUES (?, ${ftsCols.map(() => '?').join(', ')})`)
      : undefined;
    let first = 0;
    let last = 0;
    for (const r of rows) {
      const values = cols.map((c) => toSqlValue(r[c]));
      last = Number(insert.run(...values).lastInsertRowid);
      if (first === 0) first = last;
      if (ftsInsert) ftsInsert.run(last, ...ftsCols.map((c) => (cols.includes(c) ? toSqlValue(r[c]) : null)));
    }
    noteRowsAdded(db, table.name, before, rows.length);
    recordActivity(db, actor, {
      action: 'rows.append',
      table: table.name,
      summary: `appended ${rows.length} row${rows.length === 1 ? '' : 's'} (rows ${first}-${last})`,
      details: { rows: rows.length, firstRowid: first, lastRowid: last },
    });
    return { inserted: rows.length, firstRowid: first, lastRowid: last };
  });
}

function ftsColumns(db: Db, fts: string): string[] {
  return (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(fts) as string[]);
}
