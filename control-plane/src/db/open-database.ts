// The only place the control plane opens its SQLite database (better-sqlite3 is imported
// here and in nowhere else but type positions).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runMigrations, type Migration } from '@berth/common/migrations';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // IMMEDIATE transactions: a concurrent starter waits for the write lock instead of failing.
  runMigrations(db, migrations, { table: 'schema_migrations', writeTx: (fn) => writeTx(db, fn) });
  return db;
}

/** Runs fn in a BEGIN IMMEDIATE transaction: the one write path of the control plane. */
export function writeTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
