// Issue 14 through the app: the review page shows each column's missing-value markers with their
// counts and why a text column is text; the form's per-column markers reach the import; the
// provenance page lists them. Real SQLite file, the app in-process (inject).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTML, session, startTestApp } from '../support/test-app.js';
import { finishJob, uploadCsv } from '../support/csv-upload.js';

const FORM = { ...session(), 'content-type': 'application/x-www-form-urlencoded' };

const NA_CSV = ['id,dep_delay,score,code', '1,2,10,007', '2,NA,11,010', '3,-5,unknown,020', '4,NA,-999,030', '5,,13,040', ''].join('\n');

test('the review shows markers with counts and the value that kept a column text; form overrides reach the import', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const id = await uploadCsv(ta, NA_CSV);
  const review = await ta.app.inject({ url: `/uploads/${id}/review`, headers: { ...session(), ...HTML } });
  assert.equal(review.statusCode, 200, review.body);
  assert.match(review.body, /name="col\.1\.type"[^>]*>.*?<option value="integer" selected>/s, 'dep_delay is integer despite NA');
  assert.match(review.body, /NA × 2/);
  assert.match(review.body, /name="col\.1\.nulls" value="NA, N\/A, NULL, null, NaN, nan, -"/);
  assert.match(review.body, /name="col\.1\.nullMarker" value="NA"/);
  assert.match(review.body, /text because of <code>unknown<\/code> on line 4/);
  assert.match(review.body, /<strong>code<\/strong>: <code>007<\/code> on line 2/);

  // Fix "score": "unknown" and the sentinel -999 mean no value; the column is a number.
  const preview = (await ta.app.inject({ url: `/api/uploads/${id}/preview`, headers: session() })).json().preview;
  assert.deepEqual(preview.stats.textCauses[2], { value: 'unknown', line: 4 });
  const form = new URLSearchParams({ upload: id, table: 'flights', mode: 'create', encoding: 'utf-8', delimiter: ',' });
  (preview.columns as { name: string; header: string; type: string; nulls: string[]; nullMarker: string }[]).forEach((c, i) => {
    form.set(`col.${i}.name`, c.name);
    form.set(`col.${i}.header`, c.header);
    form.set(`col.${i}.type`, c.name === 'score' ? 'integer' : c.type);
    form.set(`col.${i}.nulls`, c.name === 'score' ? 'unknown, -999' : c.nulls.join(', '));
    form.set(`col.${i}.nullMarker`, c.nullMarker);
  });
  const commit = await ta.app.inject({ method: 'POST', url: '/imports', headers: FORM, payload: form.toString() });
  assert.equal(commit.statusCode, 303, commit.body);
  const job = await finishJob(ta, commit.headers.location!.split('/').pop()!);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));

  const table = (await ta.app.inject({ url: '/api/tables/flights', headers: session() })).json();
  assert.deepEqual(table.columns.map((c: { name: string; kind: string }) => [c.name, c.kind]), [['id', 'integer'], ['dep_delay', 'integer'], ['score', 'integer'], ['code', 'text']]);
  const rows = (await ta.app.inject({ url: '/api/tables/flights/rows?sort=id', headers: session() })).json().rows as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => [r.dep_delay, r.score, r.code]), [[2, 10, '007'], [null, 11, '010'], [-5, null, '020'], [null, null, '030'], [null, 13, '040']]);
  const history = await ta.app.inject({ url: '/imports', headers: { ...session(), ...HTML } });
  assert.match(history.body, /NULL markers in 3 columns/);
  assert.match(history.body, /<li>id, dep_delay: NA N\/A NULL null NaN nan -<\/li><li>score: unknown -999<\/li>/);
  const records = (await ta.app.inject({ url: '/api/imports?table=flights', headers: session() })).json();
  const recorded = JSON.stringify(records);
  assert.match(recorded, /"nulls":\["unknown","-999"\],"nullMarker":""/, "recorded in provenance");
});

test('an export writes NULL as the empty cell, or as each column\'s original marker with ?nulls=marker', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const id = await uploadCsv(ta, 'id,delay,gap,note\n1,5,,a\n2,NA,-,b\n3,NA,7,\n4,-,,d\n');
  const start = await ta.app.inject({ method: 'POST', url: '/api/imports', headers: session(), payload: { upload: id, table: 'f' } });
  assert.equal(start.statusCode, 202, start.body);
  assert.equal((await finishJob(ta, start.json().job.id)).state, 'succeeded');
  const plain = await ta.app.inject({ url: '/tables/f/export.csv', headers: session() });
  assert.equal(plain.body, 'id,delay,gap,note\r\n1,5,,a\r\n2,,,b\r\n3,,7,\r\n4,,,d\r\n');
  // delay: NA (2) beats "-" (1); gap: the empty cell (2) beats "-" (1); note is text (empty only).
  const marked = await ta.app.inject({ url: '/api/tables/f/export.csv?nulls=marker&sort=id', headers: session() });
  assert.equal(marked.statusCode, 200, marked.body);
  assert.equal(marked.body, 'id,delay,gap,note\r\n1,5,,a\r\n2,NA,,b\r\n3,NA,7,\r\n4,NA,,d\r\n');
  const json = await ta.app.inject({ url: '/tables/f/export.json?nulls=marker', headers: session() });
  assert.equal(json.json()[1].delay, null, 'JSON keeps null');
  const bad = await ta.app.inject({ url: '/tables/f/export.csv?nulls=NA', headers: session() });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'BAD_REQUEST');
});
