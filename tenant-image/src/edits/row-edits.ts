// Editing rows in place: change cells of one row, delete rows. Each change is one short writeTx
// (BEGIN IMMEDIATE, the app's one write path), so the other app copy of a rollout waits for it
// and then sees it; inside it the search index is kept in step, the stored row count updated,
// and the activity entry written. An edit may name the values the person saw (`expect`): if the
// row changed since (say, on the other copy), the edit is refused with CONFLICT, not lost.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/write-tx.js';
import { BerthError } from '../errors.js';
import { quoteIdent } from '../sql/identifier.js';
import { findTable, type TableInfo } from '../tables/catalog.js';
import { searchSyncFor } from '../tables/search-sync.js';
import { noteRowsRemoved, tableShape } from '../tables/stored-row-counts.js';
import { recordActivity, type Actor } from './activity-log.js';
import { toStoredValue, type StoredValue } from './cell-values.js';

/** Most rows one delete request may remove (the activity entry lists their ids). */
export const MAX_DELETE_ROWS = 1000;
/** Deleted rows whose values the activity entry keeps in full. */
const KEPT_DELETED_ROWS = 20;

export interface CellChange {
  readonly column: string;
  readonly from: StoredValue;
  readonly to: StoredValue;
}

function requireTableIn(db: Db, name: string): TableInfo {
  const table = findTable(db, name);
  if (!table) throw new BerthError('NOT_FOUND', `no table named "${name}"`, { table: name });
  return table;
}

function readRow(db: Db, table: TableInfo, rowid: number): Record<string, StoredValue> | undefined {
  return db.prepare(`SELECT * FROM ${quoteIdent(table.name)} WHERE rowid = ?`).get(rowid) as Record<string, StoredValue> | undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a === '' && b === null) || (a === null && b === '');
}

/** Sets the given columns of one row. Returns the cells that changed (none: nothing written). */
export function editRow(db: Db, tableName: string, rowid: number, values: Readonly<Record<string, unknown>>, actor: Actor, expect?: Readonly<Record<string, unknown>>): CellChange[] {
  const names = Object.keys(values);
  if (names.length === 0) throw new BerthError('BAD_REQUEST', 'no cell to change: give {"values": {"column": value}}');
  return writeTx(db, () => {
    const table = requireTableIn(db, tableName);
    const changes: CellChange[] = [];
    const old = readRow(db, table, rowid);
    if (!old) throw new BerthError('NOT_FOUND', `table "${table.name}" has no row ${rowid} (it may have been deleted)`, { table: table.name, rowid });
    for (const name of names) {
      const column = table.columns.find((c) => c.name === name);
      if (!column) throw new BerthError('VALIDATION_FAILED', `table "${table.name}" has no column "${name}"`, { column: name });
      if (expect && Object.hasOwn(expect, name)) {
        const seen = toStoredValue(column, expect[name]);
        if (!sameValue(seen, old[name])) {
          throw new BerthError('CONFLICT', `row ${rowid}'s "${name}" was changed by someone else since you opened it (now ${JSON.stringify(old[name])}); reload and try again`, {
            column: name,
            now: old[name],
            expected: seen,
          });
        }
      }
      const to = toStoredValue(column, values[name]);
      if (!sameValue(to, old[name]) || typeof to !== typeof old[name]) changes.push({ column: name, from: old[name] ?? null, to });
    }
    if (changes.length === 0) return changes;
    const set = changes.map((c) => `${quoteIdent(c.column)} = ?`).join(', ');
    db.prepare(`UPDATE ${quoteIdent(table.name)} SET ${set} WHERE rowid = ?`).run(...changes.map((c) => c.to), rowid);
    const sync = searchSyncFor(db, table.name);
    if (sync && changes.some((c) => sync.columns.includes(c.column))) {
      sync.forget(rowid, old);
      sync.index(rowid, readRow(db, table, rowid)!);
    }
    recordActivity(db, actor, {
      action: 'cell.edit',
      table: table.name,
      rowid,
      summary: `row ${rowid}: ${changes.map((c) => `${c.column} ${show(c.from)} → ${show(c.to)}`).join(', ')}`,
      details: { changes },
    });
    return changes;
  });
}

function show(v: StoredValue): string {
  if (v === null) return 'empty';
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

export interface DeleteResult {
  readonly deleted: number[];
  readonly missing: number[];
}

/** Deletes rows by rowid; ids no longer there are reported, not an error (someone deleted them first). */
export function deleteRows(db: Db, tableName: string, rowids: readonly number[], actor: Actor): DeleteResult {
  const ids = [...new Set(rowids)];
  if (ids.length === 0) throw new BerthError('BAD_REQUEST', 'no rows to delete: give {"rowids": [1, 2, ...]}');
  if (ids.length > MAX_DELETE_ROWS) throw new BerthError('PAYLOAD_TOO_LARGE', `at most ${MAX_DELETE_ROWS} rows per delete`, { rows: ids.length, max: MAX_DELETE_ROWS });
  if (!ids.every((id) => Number.isSafeInteger(id))) throw new BerthError('BAD_REQUEST', 'row ids are integers');
  return writeTx(db, () => {
    const table = requireTableIn(db, tableName);
    const before = tableShape(db, table.name)!;
    const sync = searchSyncFor(db, table.name);
    const del = db.prepare(`DELETE FROM ${quoteIdent(table.name)} WHERE rowid = ?`);
    const deleted: number[] = [];
    const missing: number[] = [];
    const kept: Record<string, StoredValue>[] = [];
    for (const id of ids) {
      const row = readRow(db, table, id);
      if (!row) {
        missing.push(id);
        continue;
      }
      sync?.forget(id, row);
      del.run(id);
      deleted.push(id);
      if (kept.length < KEPT_DELETED_ROWS) kept.push({ rowid: id, ...row });
    }
    if (deleted.length === 0) return { deleted, missing };
    noteRowsRemoved(db, table.name, before, deleted.length);
    recordActivity(db, actor, {
      action: 'rows.delete',
      table: table.name,
      rowid: deleted.length === 1 ? deleted[0]! : null,
      summary: deleted.length === 1 ? `deleted row ${deleted[0]}` : `deleted ${deleted.length} rows`,
      details: { rowids: deleted, rows: kept },
    });
    return { deleted, missing };
  });
}
