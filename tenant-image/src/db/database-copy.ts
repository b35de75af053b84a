// A consistent copy of the whole database for its owner to download. The control plane asks
// for it (/__berth/database-copy), streams the file from the volume on the host and deletes
// it. VACUUM INTO runs as a read transaction (WAL): writers keep going while it copies, and the
// copy is one moment of the database, what is still in the -wal included.
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from './open-database.js';

/** The names the copies get; the control plane accepts only these (database-download.ts). */
export const DATABASE_COPY = /^\.berth-download-[0-9A-Za-z]{1,40}\.db$/;

export interface DatabaseCopy {
  readonly file: string;
  readonly bytes: number;
  readonly ms: number;
}

export function copyDatabase(db: Db, dataDir: string): DatabaseCopy {
  // A copy left behind by a download that never finished (its control plane died) goes first.
  for (const name of readdirSync(dataDir)) if (DATABASE_COPY.test(name) || /^\.berth-download-.*\.partial$/.test(name)) rmSync(join(dataDir, name), { force: true });
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const file = `.berth-download-${stamp}.db`;
  const partial = join(dataDir, `${file}.partial`);
  const started = performance.now();
  db.prepare('VACUUM INTO ?').run(partial);
  renameSync(partial, join(dataDir, file));
  return { file, bytes: statSync(join(dataDir, file)).size, ms: Math.round(performance.now() - started) };
}
