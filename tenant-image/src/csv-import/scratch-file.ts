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

/** What every scratch file of one import starts with: <db>.import-<id>. */
export function scratchPrefix(dbPath: string, importId: string): string {
  return `${dbPath}${SCRATCH_INFIX}${importId}`;
}

/** The import's n-th scratch file. */
export function scratchPath(prefix: string, n: number): string {
  return `${prefix}.${n}${SCRATCH_SUFFIX}`;
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

/** Deletes every scratch file of the import whose files start with `prefix`. */
export function removeScratchFiles(prefix: string): void {
  const start = `${basename(prefix)}.`;
  for (const name of readdirSync(dirname(prefix))) {
    if (name.startsWith(start) && isScratchName(name)) removeScratch(join(dirname(prefix), name.replace(/-journal$/, '')));
  }
}

/** Deletes the scratch files of imports into `dbPath` for which `isRunning(importId)` is false. */
export function removeStaleScratchFiles(dbPath: string, isRunning: (importId: string) => boolean): string[] {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}${SCRATCH_INFIX}`;
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !isScratchName(name)) continue;
    // <id>.<n>.scratch, or <id>.scratch as the single shared file of berth before 2026-12.
    const id = name.slice(prefix.length).split('.')[0]!;
    if (isRunning(id)) continue;
    removeScratch(join(dir, name.replace(/-journal$/, '')));
    removed.push(name);
  }
  return removed;
}

function isScratchName(name: string): boolean {
  return name.endsWith(SCRATCH_SUFFIX) || name.endsWith(`${SCRATCH_SUFFIX}-journal`);
}
