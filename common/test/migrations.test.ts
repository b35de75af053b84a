import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { runMigrations, type Migration } from '../src/migrations.js';

const M: Migration[] = [
  { id: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER)' },
  { id: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
];

test('migrations run once each, in id order, recorded in the named table', () => {
  const db = new Database(':memory:');
  const writeTx = <T>(fn: () => T): T => db.transaction(fn).immediate();
  assert.deepEqual(runMigrations(db, M, { table: 'schema_migrations', writeTx }), [1, 2]);
  assert.deepEqual(runMigrations(db, M, { table: 'schema_migrations', writeTx }), []);
  assert.deepEqual(db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all(), [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  assert.throws(() => runMigrations(db, [...M, { id: 1, name: 'again', sql: '' }], { table: 'schema_migrations', writeTx }), /two migrations have id 1/);
  // A failing migration leaves no record and no half-applied schema.
  assert.throws(() => runMigrations(db, [{ id: 3, name: 'bad', sql: 'CREATE TABLE c (x); SELECT nonsense(' }], { table: 'schema_migrations', writeTx }));
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'c'").pluck().get(), 0);
  db.close();
});
