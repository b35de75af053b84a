// Renaming and dropping a table, each in one writeTx with its bookkeeping: the stored row count
// follows the table, and so do its provenance records and activity entries on a rename (the
// imports page, "latest import" and the table's activity keep describing it); the search index
// goes (an external-content FTS5 index names its content table; search falls back to LIKE until
// the next import rebuilds it). A drop keeps the table's import history: provenance says what
// once was.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/write-tx.js';
import { BerthError } from '../errors.js';
import { isReservedName, quoteIdent } from '../sql/identifier.js';
import { findTable } from '../tables/catalog.js';
import { dropSearchIndex } from '../tables/search-sync.js';
import { noteTableDropped, noteTableRenamed, readStoredCount, tableShape } from '../tables/stored-row-counts.js';
import { recordActivity, type Actor } from './activity-log.js';

export const MAX_TABLE_NAME_CHARS = 60;

/** Problems with a new table name, as one message; undefined when fine. Pure. */
export function tableNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'the new name is empty';
  if (name !== name.trim()) return 'the new name has leading or trailing spaces';
  if (Array.from(name).length > MAX_TABLE_NAME_CHARS) return `the new name is longer than ${MAX_TABLE_NAME_CHARS} characters`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the new name contains control characters';
  if (isReservedName(name)) return `"${name}" is a reserved name`;
  return undefined;
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function renameTable(db: Db, from: string, to: string, actor: Actor): { from: string; to: string } {
  const problem = tableNameProblem(to);
  if (problem) throw new BerthError('VALIDATION_FAILED', `cannot rename "${from}": ${problem}`, { name: to });
  return writeTx(db, () => {
    const table = findTable(db, from);
    if (!table) throw new BerthError('NOT_FOUND', `no table named "${from}"`, { table: from });
    if (to === from) return { from, to };
    const taken = db.prepare("SELECT name FROM sqlite_master WHERE name = ? COLLATE NOCASE AND name <> ?").pluck().get(to, from) as string | undefined;
    if (taken !== undefined) throw new BerthError('CONFLICT', `a table named "${taken}" already exists`, { name: to });
    dropSearchIndex(db, from);
    db.exec(`ALTER TABLE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
    noteTableRenamed(db, from, to);
    if (hasTable(db, '_berth_imports')) db.prepare('UPDATE _berth_imports SET table_name = ? WHERE table_name = ?').run(to, from);
    // The table's history follows it too (its activity view), as its provenance does.
    db.prepare('UPDATE _berth_activity SET table_name = ? WHERE table_name = ?').run(to, from);
    recordActivity(db, actor, { action: 'table.rename', table: to, summary: `renamed "${from}" to "${to}"`, details: { from, to } });
    return { from, to };
  });
}

export function dropTable(db: Db, name: string, actor: Actor): { table: string; rows: number } {
  return writeTx(db, () => {
    const table = findTable(db, name);
    if (!table) throw new BerthError('NOT_FOUND', `no table named "${name}"`, { table: name });
    const shape = tableShape(db, name)!;
    const rows = readStoredCount(db, name, shape) ?? (db.prepare(`SELECT count(*) FROM ${quoteIdent(name)}`).pluck().get() as number);
    dropSearchIndex(db, name);
    db.exec(`DROP TABLE ${quoteIdent(name)}`);
    noteTableDropped(db, name);
    recordActivity(db, actor, {
      action: 'table.drop',
      table: name,
      summary: `dropped "${name}" (${rows} row${rows === 1 ? '' : 's'})`,
      details: { rows, columns: table.columns.map((c) => ({ name: c.name, type: c.declaredType })) },
    });
    return { table: name, rows };
  });
}
