// The only place the tenant app opens its SQLite database for reading and writing.
// Two copies of the app share this file during a rollout (ROLLOUT.md F9, F10): WAL, a busy
// timeout >= 5 s, foreign keys, and every write through writeTx (BEGIN IMMEDIATE).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';
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
  migrate(db, migrations);
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

function migrate(db: Db, migrations: readonly Migration[]): void {
  writeTx(db, () => {
    db.exec('CREATE TABLE IF NOT EXISTS _berth_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  });
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    // Checked inside the write lock: another copy of the app may be migrating at the same moment.
    writeTx(db, () => {
      const done = db.prepare('SELECT 1 FROM _berth_migrations WHERE id = ?').get(m.id);
      if (done) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO _berth_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, Date.now());
    });
  }
}

export function appliedMigrations(db: Db): number[] {
  return db.prepare('SELECT id FROM _berth_migrations ORDER BY id').pluck().all() as number[];
}
