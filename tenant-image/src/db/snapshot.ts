// A copy of the database the control plane asks for before a rollout (ROLLOUT.md step 0). The
// container has no shell and the control plane holds no tenant secret, so the app does it itself:
// VACUUM INTO a new file on the volume (a consistent, compact copy that includes what is still in
// the -wal; F10), renamed into place only once complete, keeping the newest `keep`.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from './open-database.js';

const SNAPSHOT = /^tenant-\d{8}T\d{9}Z-[A-Za-z0-9_.-]+\.db$/;
const PARTIAL = /^\.tenant-.*\.partial$/;

export interface SnapshotResult {
  readonly file: string;
  readonly bytes: number;
  readonly ms: number;
  /** Older snapshots deleted to keep the newest `keep`. */
  readonly removed: string[];
}

/** `label`: [A-Za-z0-9_.-]{1,64}, checked by the caller; it ends the file name. */
export function takeSnapshot(db: Db, dir: string, keep: number, label: string): SnapshotResult {
  mkdirSync(dir, { recursive: true });
  // Partial copies left by a crash mid-copy are never mistaken for snapshots.
  for (const name of readdirSync(dir)) if (PARTIAL.test(name)) rmSync(join(dir, name), { force: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  const name = `tenant-${stamp}-${label}.db`;
  const partial = join(dir, `.${name}.partial`);
  const started = performance.now();
  // A read transaction: writers (WAL) keep going while the copy is made.
  db.prepare('VACUUM INTO ?').run(partial);
  renameSync(partial, join(dir, name));
  const ms = Math.round(performance.now() - started);
  const snapshots = readdirSync(dir).filter((n) => SNAPSHOT.test(n)).sort();
  const removed = snapshots.slice(0, Math.max(0, snapshots.length - keep));
  for (const old of removed) rmSync(join(dir, old), { force: true });
  return { file: join(dir, name), bytes: statSync(join(dir, name)).size, ms, removed };
}
