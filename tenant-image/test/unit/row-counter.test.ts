// Row counts stay exact as tables grow, are replaced, and as other connections commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, openReadConnection } from '../../src/db/open-database.js';
import { createRowCounter } from '../../src/tables/catalog.js';
import { tempDbPath } from '../support/temp-db.js';

test('row counts follow appends, replacement and commits elsewhere', (t) => {
  const path = tempDbPath(t);
  const db = openDatabase(path, { busyTimeoutMs: 5000 });
  const readDb = openReadConnection(path, 5000);
  t.after(() => {
    readDb.close();
    db.close();
  });
  const fill = (table: string, n: number) => {
    const insert = db.prepare(`INSERT INTO "${table}" (v) VALUES (?)`);
    db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(i);
    })();
  };
  db.exec('CREATE TABLE a (v INTEGER); CREATE TABLE other (v INTEGER)');
  const count = createRowCounter(readDb);
  assert.equal(count('a'), 0);
  fill('a', 1000);
  assert.equal(count('a'), 1000);
  fill('other', 10);
  assert.equal(count('a'), 1000, 'a commit to another table changes nothing');
  fill('a', 234);
  assert.equal(count('a'), 1234, 'appended rows are added');
  // Replace: a new table under the old name, as an import in replace mode does.
  db.exec('CREATE TABLE a_new (v INTEGER)');
  fill('a_new', 1234);
  db.exec('DELETE FROM a_new WHERE v < 4');
  db.exec('DROP TABLE a; ALTER TABLE a_new RENAME TO a');
  assert.equal(count('a'), 1230, 'a replaced table is counted afresh');
  assert.equal(count('other'), 10);
});
