// Issue 14: editing in place through the app (inject, real SQLite file): cell edits, row
// deletes, rename, drop, saved queries, the activity view, permissions and CSRF. The same
// operations under two app processes on one database are in test/integration/edits-two-copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTML, session, startTestApp, type TestApp } from '../support/test-app.js';
import { importTable } from '../support/csv-upload.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CSV = 'flight,dep_delay,tailnum\n1,5,N14228\n2,NA,N24211\n3,-3,N619AA\n4,12,N804JB\n';

async function started(t: { after(fn: () => Promise<void>): void }): Promise<TestApp> {
  const ta = await startTestApp();
  t.after(() => ta.close());
  await importTable(ta, CSV, 'flights');
  return ta;
}

const post = (ta: TestApp, url: string, form: Record<string, string>, headers = session()) =>
  ta.app.inject({ method: 'POST', url, headers: { ...headers, ...FORM, ...HTML }, payload: new URLSearchParams(form).toString() });

async function activity(ta: TestApp, q = '') {
  return (await ta.app.inject({ url: `/api/activity${q}`, headers: session() })).json().entries as { action: string; actor: string; table: string; rowid: number | null; summary: string; details: Record<string, unknown>; at: number }[];
}

test('a cell edit through the form is checked against the column type, stored, searchable and logged', async (t) => {
  const ta = await started(t);
  const form = await ta.app.inject({ url: '/tables/flights/rows/2/edit', headers: { ...session('member', 'mo@example.com'), ...HTML } });
  assert.equal(form.statusCode, 200, form.body);
  assert.match(form.body, /name="v\.dep_delay" value=""/);
  assert.match(form.body, /name="was\.dep_delay" value="null"/);

  const bad = await post(ta, '/tables/flights/rows/2/edit', { 'v.dep_delay': 'late', 'was.dep_delay': 'null' }, session('member', 'mo@example.com'));
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /column &quot;dep_delay&quot; holds a whole number/);
  assert.match(bad.body, /name="v\.dep_delay" value="late"/, 'what was typed is kept');

  const ok = await post(ta, '/tables/flights/rows/2/edit', { 'v.dep_delay': '41', 'was.dep_delay': 'null', 'v.tailnum': 'N999XX', 'was.tailnum': '"N24211"' }, session('member', 'mo@example.com'));
  assert.equal(ok.statusCode, 303, ok.body);
  assert.equal(ok.headers.location, '/tables/flights/rows/2');
  assert.deepEqual(ta.db.prepare('SELECT dep_delay, typeof(dep_delay) AS t, tailnum FROM flights WHERE rowid = 2').get(), { dep_delay: 41, t: 'integer', tailnum: 'N999XX' });
  const found = (await ta.app.inject({ url: '/api/tables/flights/rows?q=N999XX', headers: session() })).json();
  assert.deepEqual(found.rows.map((r: { flight: number }) => r.flight), [2], 'the search index follows the edit');
  assert.equal((await ta.app.inject({ url: '/api/tables/flights/rows?q=N24211', headers: session() })).json().total, 0);

  // Someone else changed the cell since this form was opened: refused, nothing overwritten.
  const stale = await post(ta, '/tables/flights/rows/2/edit', { 'v.dep_delay': '7', 'was.dep_delay': 'null' });
  assert.equal(stale.statusCode, 409);
  assert.match(stale.body, /changed by someone else/);
  assert.equal(ta.db.prepare('SELECT dep_delay FROM flights WHERE rowid = 2').pluck().get(), 41);

  const api = await ta.app.inject({ method: 'PATCH', url: '/api/tables/flights/rows/3', headers: session(), payload: { values: { dep_delay: null } } });
  assert.equal(api.statusCode, 200, api.body);
  assert.deepEqual(api.json().changes, [{ column: 'dep_delay', from: -3, to: null }]);

  const [latest, edit] = await activity(ta, '?table=flights');
  assert.equal(latest!.summary, 'row 3: dep_delay -3 → empty');
  assert.equal(edit!.actor, 'mo@example.com');
  assert.equal(edit!.rowid, 2);
  assert.deepEqual(edit!.details.changes, [{ column: 'dep_delay', from: null, to: 41 }, { column: 'tailnum', from: 'N24211', to: 'N999XX' }]);
});

test('row deletes keep the count, the search index and the log in step', async (t) => {
  const ta = await started(t);
  assert.equal((await ta.app.inject({ url: '/api/tables/flights', headers: session() })).json().rows, 4);
  const one = await post(ta, '/tables/flights/rows/1/delete', {});
  assert.equal(one.statusCode, 303, one.body);
  const many = await ta.app.inject({ method: 'POST', url: '/api/tables/flights/rows/delete', headers: session('member'), payload: { rowids: [2, 3, 99] } });
  assert.deepEqual(many.json(), { table: 'flights', deleted: [2, 3], missing: [99] });
  assert.equal((await ta.app.inject({ url: '/api/tables/flights', headers: session() })).json().rows, 1, 'the table count follows');
  assert.match((await ta.app.inject({ url: '/', headers: { ...session(), ...HTML } })).body, /<span>flights<\/span><small>1<\/small>/);
  assert.equal((await ta.app.inject({ url: '/api/tables/flights/rows?q=N14228', headers: session() })).json().total, 0);
  const gone = await ta.app.inject({ method: 'DELETE', url: '/api/tables/flights/rows/1', headers: session() });
  assert.equal(gone.statusCode, 404);
  const entries = await activity(ta);
  assert.equal(entries[0]!.summary, 'deleted 2 rows');
  assert.deepEqual((entries[0]!.details.rows as { flight: number }[]).map((r) => r.flight), [2, 3], 'the deleted values are kept in the log');
  assert.equal(entries[1]!.summary, 'deleted row 1');
});

test('owners rename and drop tables; members may not; provenance follows a rename', async (t) => {
  const ta = await started(t);
  const member = await post(ta, '/tables/flights/rename', { name: 'x' }, session('member', 'mo@example.com'));
  assert.equal(member.statusCode, 403);
  const manage = await ta.app.inject({ url: '/tables/flights/manage', headers: { ...session('member'), ...HTML } });
  assert.doesNotMatch(manage.body, /id="rename-table"/, 'a member is not offered the forms');
  assert.match((await ta.app.inject({ url: '/tables/flights/manage', headers: { ...session(), ...HTML } })).body, /id="rename-table"/);

  const taken = await post(ta, '/tables/flights/rename', { name: 'sqlite_x' });
  assert.equal(taken.statusCode, 422);
  await ta.app.inject({ method: 'PATCH', url: '/api/tables/flights/rows/1', headers: session(), payload: { values: { dep_delay: 6 } } });
  const renamed = await post(ta, '/tables/flights/rename', { name: 'flights 2013' });
  assert.equal(renamed.statusCode, 303, renamed.body);
  assert.equal(renamed.headers.location, '/tables/flights%202013');
  const info = (await ta.app.inject({ url: '/api/tables/flights%202013', headers: session() })).json();
  assert.equal(info.rows, 4);
  assert.equal(info.latestImport.fileName, 'flights.csv', 'provenance follows the table');
  assert.equal((await ta.app.inject({ url: '/api/tables/flights%202013/rows?q=N619AA', headers: session() })).json().total, 1, 'search still works (by scan)');

  const history = (await activity(ta, '?table=flights%202013')).map((e) => e.action);
  assert.deepEqual(history, ['table.rename', 'cell.edit', 'import'], "the table's history follows the rename");
  const unconfirmed = await post(ta, '/tables/flights%202013/drop', { confirm: 'flights' });
  assert.equal(unconfirmed.statusCode, 422);
  const dropped = await post(ta, '/tables/flights%202013/drop', { confirm: 'flights 2013' });
  assert.equal(dropped.statusCode, 303, dropped.body);
  assert.equal((await ta.app.inject({ url: '/api/tables/flights%202013', headers: session() })).statusCode, 404);
  const [drop, rename] = await activity(ta);
  assert.deepEqual([drop!.action, drop!.summary], ['table.drop', 'dropped "flights 2013" (4 rows)']);
  assert.deepEqual([rename!.action, rename!.summary], ['table.rename', 'renamed "flights" to "flights 2013"']);
  const api = await ta.app.inject({ method: 'DELETE', url: '/api/tables/flights%202013', headers: session() });
  assert.equal(api.statusCode, 404);
});

test('every form refuses a cross-origin post (CSRF)', async (t) => {
  const ta = await started(t);
  const evil = { ...session(), origin: 'https://evil.berth.localhost' };
  for (const [url, form] of [
    ['/tables/flights/rows/1/edit', { 'v.dep_delay': '1' }],
    ['/tables/flights/rows/1/delete', {}],
    ['/tables/flights/rename', { name: 'x' }],
    ['/tables/flights/drop', { confirm: 'flights' }],
    ['/queries', { name: 'q', sql: 'SELECT 1' }],
  ] as const) {
    const res = await post(ta, url, form, evil);
    assert.equal(res.statusCode, 403, url);
    assert.match(res.body, /origin|CSRF/i, url);
  }
  assert.equal(ta.db.prepare('SELECT count(*) FROM flights').pluck().get(), 4);
});

test('a query saved under a name is run again from the tables page', async (t) => {
  const ta = await started(t);
  const sqlPage = await ta.app.inject({ url: '/sql?sql=SELECT%201', headers: { ...session(), ...HTML } });
  assert.match(sqlPage.body, /id="save-query"/);
  const sql = 'SELECT flight, dep_delay FROM flights WHERE dep_delay > 0 ORDER BY dep_delay DESC';
  const saved = await post(ta, '/queries', { name: 'Late flights', sql }, session('member', 'mo@example.com'));
  assert.equal(saved.statusCode, 303, saved.body);
  const again = await post(ta, '/queries', { name: 'late FLIGHTS', sql: 'SELECT 1' });
  assert.equal(again.statusCode, 409, 'names are unique ignoring case');
  const home = await ta.app.inject({ url: '/', headers: { ...session(), ...HTML } });
  const link = /<a href="(\/queries\/\d+)" data-query="Late flights">/.exec(home.body);
  assert.ok(link, 'listed on the tables page');
  const run = await ta.app.inject({ url: link[1]!, headers: { ...session(), ...HTML } });
  assert.equal(run.statusCode, 303);
  const result = await ta.app.inject({ url: run.headers.location!, headers: { ...session(), ...HTML } });
  assert.equal(result.statusCode, 200, result.body);
  assert.match(result.body, /2 rows/);
  assert.match(result.body, /name="name" value="Late flights"/);
  const replaced = await ta.app.inject({ method: 'POST', url: '/api/queries', headers: session(), payload: { name: 'Late flights', sql: `${sql} LIMIT 1`, replace: true } });
  assert.equal(replaced.statusCode, 201, replaced.body);
  const list = (await ta.app.inject({ url: '/api/queries', headers: session() })).json().queries;
  assert.equal(list.length, 1);
  assert.match(list[0].sql, /LIMIT 1$/);
  const del = await ta.app.inject({ method: 'DELETE', url: `/api/queries/${list[0].id}`, headers: session() });
  assert.equal(del.statusCode, 204);
  const entries = await activity(ta);
  assert.deepEqual(entries.slice(0, 3).map((e) => e.summary), ['deleted query "Late flights"', 'replaced query "Late flights"', 'saved query "Late flights"']);
});

test('the activity view lists who changed what and when, imports and appends included', async (t) => {
  const ta = await started(t);
  await ta.app.inject({ method: 'POST', url: '/api/tables/flights/rows', headers: session('member', 'api@example.com'), payload: { rows: [{ flight: 5, dep_delay: 1, tailnum: 'N1' }] } });
  await ta.app.inject({ method: 'PATCH', url: '/api/tables/flights/rows/5', headers: session(), payload: { values: { dep_delay: 2 } } });
  const page = await ta.app.inject({ url: '/activity', headers: { ...session(), ...HTML } });
  assert.equal(page.statusCode, 200, page.body);
  const rows = [...page.body.matchAll(/<tr data-action="([^"]+)"><td title="([^"]+)">[^<]*<\/td><td>([^<]+)/g)].map((m) => [m[1], m[3]]);
  assert.deepEqual(rows, [['cell.edit', 'ann@example.com'], ['rows.append', 'api@example.com'], ['import', 'ann@example.com']]);
  assert.match(page.body, /appended 1 row \(rows 5-5\)/);
  assert.match(page.body, /create from flights\.csv: 4 rows/);
  const one = await ta.app.inject({ url: '/api/activity?table=nope', headers: session() });
  assert.deepEqual(one.json().entries, []);
  const paged = (await ta.app.inject({ url: '/api/activity?limit=2', headers: session() })).json();
  assert.equal(paged.entries.length, 2);
  assert.equal(typeof paged.next, 'number');
});
