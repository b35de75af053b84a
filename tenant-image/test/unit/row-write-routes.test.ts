import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, startTestApp } from '../support/test-app.js';

test('POST rows appends in one transaction, validates, and keeps the search index in step', async (t) => {
  const ta = await startTestApp({ BERTH_MAX_APPEND_ROWS: '3' });
  t.after(() => ta.close());
  ta.db.exec(`CREATE TABLE log (client TEXT, seq INTEGER, note TEXT);
    CREATE VIRTUAL TABLE "_berth_fts_log" USING fts5(client, note, content='log', content_rowid='rowid');`);
  const post = (payload: unknown) => ta.app.inject({ method: 'POST', url: '/api/tables/log/rows', headers: session(), payload: payload as object });
  const ok = await post({ rows: [{ client: 'a', seq: 1, note: 'zebra crossing' }, { client: 'a', seq: 2, flag: undefined }] });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.deepEqual(ok.json(), { table: 'log', inserted: 2, firstRowid: 1, lastRowid: 2 });
  const found = (await ta.app.inject({ url: '/api/tables/log/rows?q=zebra', headers: session() })).json();
  assert.equal(found.total, 1);

  const cases: Array<[unknown, number, string]> = [
    [{}, 400, 'BAD_REQUEST'],
    [{ rows: [] }, 400, 'BAD_REQUEST'],
    [{ rows: [1] }, 400, 'BAD_REQUEST'],
    [{ rows: [{ nope: 1 }] }, 422, 'VALIDATION_FAILED'],
    [{ rows: [{ note: { x: 1 } }] }, 422, 'VALIDATION_FAILED'],
    [{ rows: [{}, {}, {}, {}] }, 413, 'PAYLOAD_TOO_LARGE'],
  ];
  for (const [body, status, code] of cases) {
    const res = await post(body);
    assert.equal(res.statusCode, status, JSON.stringify(body));
    assert.equal(res.json().error.code, code);
  }
  // A bad row anywhere writes nothing.
  assert.equal((await post({ rows: [{ seq: 3 }, { nope: 1 }] })).statusCode, 422);
  assert.equal(ta.db.prepare('SELECT count(*) FROM log').pluck().get(), 2);
  assert.equal((await ta.app.inject({ method: 'POST', url: '/api/tables/nope/rows', headers: session(), payload: { rows: [{}] } })).statusCode, 404);
});
