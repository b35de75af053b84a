// One table brought back from a restored copy of the database. The control plane restores the
// whole database as it was at a moment (Litestream, on the host: this container holds no
// replica and no credential), places the copy in the data directory and asks for one table of
// it (/__berth/restore-table). Here the copy is ATTACHed and the table copied in one writeTx
// through the app's one write path, with its bookkeeping and an activity entry: all or nothing.
// Modes: `beside` adds <table>_restored_<yyyymmddhhmm>; `replace` renames the current table to
// <table>_replaced_<yyyymmddhhmm> (kept, so the replace is undone by `undo`) and puts the
// restored rows under the table's name. The copy is deleted whatever happens.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/write-tx.js';
import { BerthError } from '../errors.js';
import { isReservedName, quoteIdent } from '../sql/identifier.js';
import { dropSearchIndex } from '../tables/search-sync.js';
import { noteRowsAdded, noteTableRenamed } from '../tables/stored-row-counts.js';
import { recordActivity, type Actor } from './activity-log.js';

/** The only file names the control plane places here (restore-table.ts on its side). */
export const RESTORE_COPY = /^\.berth-table-[0-9A-Za-z]{1,40}\.db$/;
const ATTACHED = 'berth_restore_copy';

export type TableRestoreMode = 'beside' | 'replace';

export interface TableRestoreRequest {
  readonly file: string;
  readonly table: string;
  readonly mode: TableRestoreMode;
  /** The moment the copy shows (unix ms), for the names and the activity entry. */
  readonly at: number;
  readonly actor: Actor;
}

export interface TableRestoreResult {
  readonly table: string;
  /** Where the restored rows are. */
  readonly restoredAs: string;
  /** replace: where the current table was kept. */
  readonly keptAs: string | null;
  readonly rows: number;
  readonly at: number;
}

/** yyyymmddhhmm in UTC: the suffix of the tables a restore creates. Pure. */
export function minuteStamp(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

/** The CREATE TABLE statement of `sql` with its name replaced by `name`. Pure. */
export function renameCreateStatement(sql: string, name: string): string {
  const head = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|'(?:[^']|'')+'|[^\s(]+)/i.exec(sql);
  if (!head) throw new BerthError('CONFLICT', 'the restored table has a definition this app cannot copy');
  return `CREATE TABLE ${quoteIdent(name)}${sql.slice(head[0].length)}`;
}

function tableExists(db: Db, schema: 'main' | typeof ATTACHED, name: string): boolean {
  return db.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

function freeName(db: Db, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}_${i}`;
    if (db.prepare('SELECT 1 FROM main.sqlite_master WHERE name = ? COLLATE NOCASE').get(name) === undefined) return name;
  }
}

export function restoreTable(db: Db, dataDir: string, req: TableRestoreRequest): TableRestoreResult {
  if (!RESTORE_COPY.test(req.file)) throw new BerthError('BAD_REQUEST', `not a restore copy: "${req.file}"`);
  const path = join(dataDir, req.file);
  try {
    if (!existsSync(path)) throw new BerthError('NOT_FOUND', `no restore copy "${req.file}" in the data directory`);
    if (isReservedName(req.table)) throw new BerthError('VALIDATION_FAILED', `"${req.table}" belongs to the app and cannot be restored`, { table: req.table });
    // ATTACH is refused inside a transaction; the connection is synchronous, so nothing else
    // runs on it between the ATTACH, the writeTx and the DETACH.
    db.prepare(`ATTACH DATABASE ? AS ${ATTACHED}`).run(path);
    try {
      return writeTx(db, () => copyTable(db, req));
    } finally {
      db.exec(`DETACH DATABASE ${ATTACHED}`);
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  }
}

function copyTable(db: Db, req: TableRestoreRequest): TableRestoreResult {
  const { table, mode } = req;
  const source = db.prepare(`SELECT sql FROM ${ATTACHED}.sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(table) as string | undefined;
  if (source === undefined) {
    throw new BerthError('NOT_FOUND', `no table named "${table}" at ${new Date(req.at).toISOString()}`, { table });
  }
  const stamp = minuteStamp(req.at);
  let keptAs: string | null = null;
  let restoredAs: string;
  if (mode === 'replace') {
    if (tableExists(db, 'main', table)) {
      keptAs = freeName(db, `${table}_replaced_${stamp}`);
      dropSearchIndex(db, table);
      db.exec(`ALTER TABLE main.${quoteIdent(table)} RENAME TO ${quoteIdent(keptAs)}`);
      noteTableRenamed(db, table, keptAs);
    }
    restoredAs = table;
  } else {
    restoredAs = freeName(db, `${table}_restored_${stamp}`);
  }
  db.exec(renameCreateStatement(source, restoredAs).replace(/^CREATE TABLE /, 'CREATE TABLE main.'));
  const rows = copyRows(db, table, restoredAs);
  noteRowsAdded(db, restoredAs, null, rows);
  const moment = new Date(req.at).toISOString();
  recordActivity(db, req.actor, {
    action: 'table.restore',
    table: restoredAs,
    summary: keptAs
      ? `replaced "${table}" with its rows as of ${moment} (${rows} rows); the replaced table is kept as "${keptAs}"`
      : `restored "${table}" as of ${moment} beside it, as "${restoredAs}" (${rows} rows)`,
    details: { table, mode, at: req.at, restoredAs, keptAs, rows },
  });
  return { table, restoredAs, keptAs, rows, at: req.at };
}

/**
 * Copies the rows, rowids kept: row links, edits and the activity of the restored rows keep
 * meaning the same rows. When the rowids are exactly 1..n (a table imported and never thinned,
 * the usual case) a plain `INSERT … SELECT *` into the new, identically declared table gives the
 * same rowids and lets SQLite copy records without decoding them (its transfer optimisation:
 * 0.34 CPU s instead of 1.23 for 1M rows of 8 columns); otherwise every rowid is given.
 */
function copyRows(db: Db, table: string, restoredAs: string): number {
  const src = `${ATTACHED}.${quoteIdent(table)}`;
  const dest = `main.${quoteIdent(restoredAs)}`;
  const span = db.prepare(`SELECT min(rowid) AS lo, max(rowid) AS hi, count(*) AS n FROM ${src}`).get() as { lo: number | null; hi: number | null; n: number };
  if (span.n > 0 && span.lo === 1 && span.hi === span.n) {
    const rows = db.prepare(`INSERT INTO ${dest} SELECT * FROM ${src}`).run().changes;
    // A full scan reads a rowid table in rowid order, so the new rowids are 1..n in the same order.
    const got = db.prepare(`SELECT max(rowid) AS hi, count(*) AS n FROM ${dest}`).get() as { hi: number; n: number };
    if (got.hi === span.hi && got.n === span.n) return rows;
    db.exec(`DELETE FROM ${dest}`);
  }
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?, '${ATTACHED}')`).pluck().all(table) as string[]).map(quoteIdent).join(', ');
  return db.prepare(`INSERT INTO ${dest} (rowid, ${columns}) SELECT rowid, ${columns} FROM ${src}`).run().changes;
}

/**
 * Undoes a replace: the kept table takes the name back and the restored one is kept in its turn
 * as <table>_restored_<stamp>, so nothing is lost either way.
 */
export function undoTableReplace(db: Db, table: string, keptAs: string, actor: Actor): { table: string; restoredKeptAs: string } {
  if (isReservedName(table) || isReservedName(keptAs)) throw new BerthError('VALIDATION_FAILED', 'tables of the app cannot be swapped');
  if (!/_replaced_\d{12}(_\d+)?$/.test(keptAs)) throw new BerthError('VALIDATION_FAILED', `"${keptAs}" is not a table a restore kept`, { keptAs });
  return writeTx(db, () => {
    if (!tableExists(db, 'main', keptAs)) throw new BerthError('NOT_FOUND', `no table named "${keptAs}"`, { table: keptAs });
    let restoredKeptAs = '';
    if (tableExists(db, 'main', table)) {
      restoredKeptAs = freeName(db, `${table}_restored_${keptAs.replace(/^.*_replaced_(\d{12}).*$/, '$1')}`);
      dropSearchIndex(db, table);
      db.exec(`ALTER TABLE main.${quoteIdent(table)} RENAME TO ${quoteIdent(restoredKeptAs)}`);
      noteTableRenamed(db, table, restoredKeptAs);
    }
    dropSearchIndex(db, keptAs);
    db.exec(`ALTER TABLE main.${quoteIdent(keptAs)} RENAME TO ${quoteIdent(table)}`);
    noteTableRenamed(db, keptAs, table);
    recordActivity(db, actor, {
      action: 'table.restore',
      table,
      summary: `undid a restore: "${keptAs}" is "${table}" again${restoredKeptAs ? `; the restored rows are kept as "${restoredKeptAs}"` : ''}`,
      details: { undo: true, table, keptAs, restoredKeptAs: restoredKeptAs || null },
    });
    return { table, restoredKeptAs };
  });
}
