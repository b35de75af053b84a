import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedPeople, session, startTestApp } from '../support/test-app.js';

test('table export streams every matching row as CSV and JSON', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  ta.db.exec('CREATE TABLE big (n INTEGER, label TEXT)');
  const ins = ta.db.prepare('INSERT INTO big VALUES (?, ?)');
  ta.db.transaction(() => {
    for (let i = 0; i < 30_000; i++) ins.run(i, i % 1000 === 0 ? `=cmd|${i}` : `row "${i}", ok`);
  })();
  const csv = await ta.app.inject({ url: '/api/tables/big/export.csv', headers: session() });
  assert.equal(csv.statusCode, 200);
  assert.match(csv.headers['content-type'] as string, /text\/csv/);
  assert.match(csv.headers['content-disposition'] as string, /attachment; filename="big\.csv"/);
  const lines = csv.body.trimEnd().split('\r\n');
  assert.equal(lines.length, 30_001);
  assert.equal(lines[0], 'n,label');
  assert.equal(lines[1], `0,'=cmd|0`);
  assert.equal(lines[2], '1,"row ""1"", ok"');
  const json = await ta.app.inject({ url: '/tables/big/export.json?fc=n&fo=lt&fv=3&sort=n&desc=1', headers: session() });
  assert.deepEqual(json.json(), [{ n: 2, label: 'row "2", ok' }, { n: 1, label: 'row "1", ok' }, { n: 0, label: '=cmd|0' }]);
});

test('query export goes through the SQL limits', async (t) => {
  const ta = await startTestApp({ BERTH_SQL_ROW_CAP: '3' });
  t.after(() => ta.close());
  seedPeople(ta.db, 10);
  const res = await ta.app.inject({ url: '/api/sql/export.json?sql=' + encodeURIComponent('SELECT name FROM people ORDER BY rowid'), headers: session() });
  assert.deepEqual(res.json(), [{ name: 'person 1' }, { name: 'person 2' }, { name: 'person 3' }]);
  const bad = await ta.app.inject({ url: '/sql/export.csv?sql=' + encodeURIComponent('DELETE FROM people'), headers: session() });
  assert.equal(bad.statusCode, 400);
});
