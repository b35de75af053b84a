// The only place the tenant app opens its SQLite database for reading and writing.
// Two copies of the app share this file during a rollout (ROLLOUT.md F9, F10): WAL, a busy
// timeout >= 5 s, foreign keys, and every write through writeTx (BEGIN IMMEDIATE).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runMigrations, type Migration } from '@berth/common/migrations';
import { MIGRATIONS } from './migrations.js';
import { markFaultDeferredWrites, writeTx } from './write-tx.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly busyTimeoutMs: number;
  /** Test-only negative control (BERTH_FAULT_DEFERRED_WRITES): see write-tx.ts. */
  readonly faultDeferredWrites?: boolean;
}

/** Opens the read-write connection and applies pending migrations. */
export function openDatabase(path: string, options: OpenOptions, migrations: readonly Migration[] = MIGRATIONS): Db {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: options.busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
  // Through writeTx: another copy of the app may be migrating the same file at the same moment.
  runMigrations(db, migrations, { table: '_berth_migrations', writeTx: (fn) => writeTx(db, fn) });
  if (options.faultDeferredWrites) {
    db.pragma('busy_timeout = 0');
    markFaultDeferredWrites(db);
  }
  return db;
}

/** A read-only connection to the same file, for browsing (a bug in a read path cannot write). */
export function openReadConnection(path: string, busyTimeoutMs: number): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
}

export function appliedMigrations(db: Db): number[] {
  return db.prepare('SELECT id FROM _berth_migrations ORDER BY id').pluck().all() as number[];
}
