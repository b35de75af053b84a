// Row counts stay exact as tables grow, are replaced, and as other connections commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, openReadConnection } from '../../src/db/open-database.js';
import { createRowCounter } from '../../src/tables/catalog.js';
import { noteRowsAdded, readStoredCount, tableShape } from '../../src/tables/stored-row-counts.js';
import { twoConnections } from '../support/temp-db.js';

/** The app's two connections on a new database: the writer and the read-only one. */
const writerAndReader = (t: { after: (fn: () => void) => void }) =>
  twoConnections(t, (path) => openDatabase(path, { busyTimeoutMs: 5000 }), (path) => openReadConnection(path, 5000));

test('row counts follow appends, replacement and commits elsewhere', (t) => {
  const { a: db, b: readDb } = writerAndReader(t);
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

test('counts stored by the writers are used while they describe the table, and ignored once they do not', (t) => {
  const { a: db, b: readDb } = writerAndReader(t);
  db.exec('CREATE TABLE big (v INTEGER)');
  const insert = db.prepare('INSERT INTO big (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 500; i++) insert.run(i);
    noteRowsAdded(db, 'big', null, 500);
  })();
  const shape = tableShape(readDb, 'big')!;
  assert.equal(readStoredCount(readDb, 'big', shape), 500);
  // The counter takes the stored figure without counting: shown by a stored figure that is not
  // the table's real count (the writers never store such a thing; the test does, to tell).
  db.prepare('UPDATE _berth_table_rows SET rows = 499999 WHERE table_name = ?').run('big');
  assert.equal(createRowCounter(readDb)('big'), 499_999);
  db.prepare('UPDATE _berth_table_rows SET rows = 500 WHERE table_name = ?').run('big');

  db.transaction(() => {
    const before = tableShape(db, 'big');
    for (let i = 0; i < 25; i++) insert.run(i);
    noteRowsAdded(db, 'big', before, 25);
  })();
  assert.equal(readStoredCount(readDb, 'big', tableShape(readDb, 'big')!), 525, 'an append adds to the stored count');

  insert.run(1); // a writer that does not keep the record (say, an older app copy)
  assert.equal(readStoredCount(readDb, 'big', tableShape(readDb, 'big')!), undefined);
  assert.equal(createRowCounter(readDb)('big'), 526, 'counted instead');
  db.transaction(() => {
    const before = tableShape(db, 'big');
    insert.run(2);
    noteRowsAdded(db, 'big', before, 1);
  })();
  assert.equal(readStoredCount(readDb, 'big', tableShape(readDb, 'big')!), undefined, 'a stale record is dropped, not grown');
});
