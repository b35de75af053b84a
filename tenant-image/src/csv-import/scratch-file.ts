// The scratch SQLite files the second half of a split import is written into, next to the tenant
// database: <db>.import-<id>.<n>.scratch, one file per scratch table, each closed before it is
// announced and deleted once copied into staging. One file each, not one shared file: the copy
// (in the import worker) and the next table's inserts (on another thread) never wait on each
// other's file lock; with one shared file they took turns in SQLite's busy handler, which
// doubled the copy phase and, in one process, could deadlock until the busy timeout. Only the
// same import ever reads them, so durability buys nothing: no journal, no syncs.
// removeStaleScratchFiles() deletes those a crash left behind, with the stale staging tables.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';

const SCRATCH_INFIX = '.import-';
const SCRATCH_SUFFIX = '.scratch';
/** The one table of each scratch file. */
export const SCRATCH_TABLE = 'rows';

/** The n-th scratch file of import `importId` into `dbPath`. */
export function scratchPath(dbPath: string, importId: string, n: number): string {
  return `${dbPath}${SCRATCH_INFIX}${importId}.${n}${SCRATCH_SUFFIX}`;
}

/** A new scratch file at `path` holding an empty SCRATCH_TABLE made by `createTable` (staging.ts's createTableSql). */
export function createScratch(path: string, createTable: string): Database.Database {
  removeScratch(path);
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000');
  db.exec(createTable);
  return db;
}

export function removeScratch(path: string): void {
  for (const suffix of ['', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** Deletes every scratch file of import `importId` into `dbPath`. */
export function removeScratchFiles(dbPath: string, importId: string): void {
  removeScratchWhere(dbPath, (id) => id === importId);
}

/** Deletes the scratch files of imports into `dbPath` for which `isRunning(importId)` is false. */
export function removeStaleScratchFiles(dbPath: string, isRunning: (importId: string) => boolean): string[] {
  return removeScratchWhere(dbPath, (id) => !isRunning(id));
}

function removeScratchWhere(dbPath: string, remove: (importId: string) => boolean): string[] {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}${SCRATCH_INFIX}`;
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(SCRATCH_SUFFIX)) continue;
    // <id>.<n>.scratch, or <id>.scratch as the single shared file of berth before 2026-12.
    if (!remove(name.slice(prefix.length).split('.')[0]!)) continue;
    removeScratch(join(dir, name));
    removed.push(name);
  }
  return removed;
}
