// The only place the control plane opens its SQLite database (better-sqlite3 is imported
// here and in nowhere else but type positions).
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { runMigrations, type Migration } from '@berth/common/migrations';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') prepareStateFiles(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  if (path !== ':memory:') restrictModes(path);
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // IMMEDIATE transactions: a concurrent starter waits for the write lock instead of failing.
  runMigrations(db, migrations, { table: 'schema_migrations', writeTx: (fn) => writeTx(db, fn) });
  return db;
}

// The database holds password, session and token hashes: readable by its owner only (root,
// which Traefik and the CLI also run as), in a directory only its owner can enter, so neither
// the files nor their names are visible to other local users.
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Creates (or tightens) the state directory and creates the database file 0600 before SQLite does. */
function prepareStateFiles(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
  closeSync(openSync(path, 'a', FILE_MODE));
}

/** SQLite gives -wal and -shm its main file's mode; files an older version left wider are tightened here. */
function restrictModes(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, FILE_MODE);
}

/** Runs fn in a BEGIN IMMEDIATE transaction: the one write path of the control plane. */
export function writeTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
