import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTML, seedPeople, session, startTestApp } from '../support/test-app.js';

test('read-only SQL: results, named parameters, row cap, and every kind of write refused', async (t) => {
  const ta = await startTestApp({ BERTH_SQL_ROW_CAP: '5' });
  t.after(() => ta.close());
  seedPeople(ta.db, 20);
  const sql = async (q: string, params: Record<string, string> = {}) => ta.app.inject({ method: 'POST', url: '/api/sql', headers: session(), payload: { sql: q, params } });

  const ok = await sql('SELECT name, age FROM people WHERE age > :min ORDER BY rowid LIMIT 3', { min: '25' });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json().columns, ['name', 'age']);
  assert.ok(ok.json().rows.every((r: [string, number]) => r[1] > 25));
  const capped = (await sql('SELECT * FROM people')).json();
  assert.equal(capped.rows.length, 5);
  assert.equal(capped.truncated, true);
  const viaGet = await ta.app.inject({ url: '/api/sql?sql=' + encodeURIComponent('select :x as v') + '&p.x=hello', headers: session() });
  assert.deepEqual(viaGet.json().rows, [['hello']]);
  assert.equal((await sql('select :x')).json().error.code, 'VALIDATION_FAILED', 'missing parameter');

  const refused: Array<[string, string]> = [
    ['DELETE FROM people', 'SQL_REJECTED'],
    ['INSERT INTO people (name) VALUES (1) RETURNING rowid', 'SQL_REJECTED'],
    ['WITH x AS (SELECT 1) DELETE FROM people', 'SQL_REJECTED'],
    ["ATTACH DATABASE '/tmp/x.db' AS x", 'SQL_REJECTED'],
    ['PRAGMA journal_mode = DELETE', 'SQL_REJECTED'],
    ['SELECT 1; DROP TABLE people', 'SQL_REJECTED'],
    ['SELECT * FROM _berth_api_tokens', 'SQL_REJECTED'],
    ['SELECT * FROM "_berth_api_tokens"', 'SQL_REJECTED'],
    ["SELECT load_extension('/tmp/evil')", 'SQL_REJECTED'],
    ['BEGIN IMMEDIATE', 'SQL_REJECTED'],
    ['SELECT * FROM no_such_table', 'SQL_ERROR'],
  ];
  for (const [q, code] of refused) {
    const res = await sql(q);
    assert.equal(res.statusCode, 400, q);
    assert.equal(res.json().error.code, code, q);
  }
  // Pragma functions that only read are fine.
  assert.equal((await sql("SELECT name FROM pragma_table_info('people')")).statusCode, 200);
  assert.equal(ta.db.prepare('SELECT count(*) FROM people').pluck().get(), 20, 'nothing was written');
});

test('the time limit kills a runaway query while the app keeps answering', async (t) => {
  const ta = await startTestApp({ BERTH_SQL_TIME_LIMIT_MS: '300' });
  t.after(() => ta.close());
  const runaway = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
  // Warm the query process first: the limit is measured from when the query starts, not from Node's start.
  assert.equal((await ta.app.inject({ method: 'POST', url: '/api/sql', headers: session(), payload: { sql: 'SELECT 1' } })).statusCode, 200);
  const started = Date.now();
  const pending = ta.app.inject({ method: 'POST', url: '/api/sql', headers: session(), payload: { sql: runaway } });
  // The event loop is free while the query runs elsewhere.
  const hb = await ta.app.inject('/__heartbeat__');
  assert.equal(hb.statusCode, 200);
  assert.ok(Date.now() - started < 300);
  const res = await pending;
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error.code, 'SQL_TIME_LIMIT');
  assert.ok(Date.now() - started < 1500, `stopped after ${Date.now() - started} ms`);
  // The next query gets a fresh process and works.
  const next = await ta.app.inject({ method: 'POST', url: '/api/sql', headers: session(), payload: { sql: 'SELECT 42' } });
  assert.deepEqual(next.json().rows, [[42]]);
});

test('SQL page: form, parameters, results, errors shown in the page', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  seedPeople(ta.db, 5);
  const page = await ta.app.inject({ url: '/sql?sql=' + encodeURIComponent('SELECT name FROM people WHERE age > :min') + '&p.min=0', headers: { ...session(), ...HTML } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /name="p\.min" value="0"/);
  assert.match(page.body, /person 1/);
  assert.match(page.body, /href="\/sql\/export\.csv\?sql=/);
  const asks = await ta.app.inject({ url: '/sql?sql=' + encodeURIComponent('SELECT :who'), headers: { ...session(), ...HTML } });
  assert.match(asks.body, /name="p\.who"/);
  const bad = await ta.app.inject({ url: '/sql?sql=' + encodeURIComponent('DROP TABLE people'), headers: { ...session(), ...HTML } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /class="alert error"/);
});
