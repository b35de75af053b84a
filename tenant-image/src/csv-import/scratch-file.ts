// The scratch SQLite file the helper thread of a split import writes the second half into, next to
// the tenant database: <db>.import-<id>.scratch. It is only ever read by the same import, which
// deletes it once copied (or on failure), so durability buys nothing: no journal, no syncs.
// removeStaleScratchFiles() deletes those a crash left behind, with the stale staging tables.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';

const SCRATCH_INFIX = '.import-';
const SCRATCH_SUFFIX = '.scratch';

export function scratchPath(dbPath: string, importId: string): string {
  return `${dbPath}${SCRATCH_INFIX}${importId}${SCRATCH_SUFFIX}`;
}

export function openScratch(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000');
  return db;
}

export function removeScratch(path: string): void {
  for (const suffix of ['', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** Deletes the scratch files of imports into `dbPath` for which `isRunning(importId)` is false. */
export function removeStaleScratchFiles(dbPath: string, isRunning: (importId: string) => boolean): string[] {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}${SCRATCH_INFIX}`;
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith(SCRATCH_SUFFIX)) continue;
    const id = name.slice(prefix.length, -SCRATCH_SUFFIX.length);
    if (isRunning(id)) continue;
    removeScratch(join(dir, name));
    removed.push(name);
  }
  return removed;
}
