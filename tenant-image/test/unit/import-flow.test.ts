import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { HTML, session, startTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '@berth/common/wait-for';

const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

const CSV = 'id,name,zip,amount,when\n1,Ann,00123,1.5,2024-01-02\n2,"Bob, Jr.",04567,2.25,2024-02-03\n3,=HYPERLINK(),99999,-3,2024-03-04\n';

async function upload(ta: TestApp, body: string | Buffer, name = 'My Data.csv') {
  return ta.app.inject({ method: 'POST', url: `/api/uploads?name=${encodeURIComponent(name)}`, headers: { ...session(), 'content-type': 'text/csv' }, payload: body });
}

async function finish(ta: TestApp, jobId: string) {
  return waitFor(async () => {
    const job = (await ta.app.inject({ url: `/api/imports/jobs/${jobId}`, headers: session() })).json().job;
    return job.state !== 'running' && !job.indexing ? job : undefined;
  }, { timeoutMs: 20_000, what: 'the import to finish' });
}

test('upload streams to disk, review previews, commit imports with overrides, upload removed', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const up = await upload(ta, CSV);
  assert.equal(up.statusCode, 201, up.body);
  const { id, sizeBytes, fileName } = up.json().upload;
  assert.equal(sizeBytes, Buffer.byteLength(CSV));
  assert.equal(fileName, 'My Data.csv');
  assert.ok(existsSync(`${ta.config.uploadsDir}/${id}.csv`));

  const review = await ta.app.inject({ url: `/uploads/${id}/review`, headers: { ...session(), ...HTML } });
  assert.equal(review.statusCode, 200, review.body);
  assert.match(review.body, /name="col\.2\.type"[^>]*>.*<option value="text" selected>/s, 'leading zeros stay text');
  assert.match(review.body, /Bob, Jr\./);

  const preview = (await ta.app.inject({ url: `/api/uploads/${id}/preview?delimiter=%3B`, headers: session() })).json().preview;
  assert.equal(preview.delimiter, ';');
  assert.equal(preview.columns.length, 1, 're-preview with another delimiter');

  // Commit through the form, overriding the type of "amount" to text and renaming a column.
  const form = new URLSearchParams({ upload: id, table: 'sales', mode: 'create', encoding: 'utf-8', delimiter: ',' });
  const cols = (await ta.app.inject({ url: `/api/uploads/${id}/preview`, headers: session() })).json().preview.columns as Array<{ name: string; header: string; type: string }>;
  cols.forEach((c, i) => {
    form.set(`col.${i}.name`, c.name === 'when' ? 'happened_on' : c.name);
    form.set(`col.${i}.header`, c.header);
    form.set(`col.${i}.type`, c.name === 'amount' ? 'text' : c.type);
  });
  const commit = await ta.app.inject({ method: 'POST', url: '/imports', headers: { ...session(), 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
  assert.equal(commit.statusCode, 303, commit.body);
  const jobId = commit.headers.location!.split('/').pop()!;
  const page = await ta.app.inject({ url: `/imports/jobs/${jobId}`, headers: { ...session(), ...HTML } });
  assert.equal(page.statusCode, 200);
  const job = await finish(ta, jobId);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  assert.equal(job.rows, 3);
  assert.equal(existsSync(`${ta.config.uploadsDir}/${id}.csv`), false, 'upload removed after commit');

  const table = (await ta.app.inject({ url: '/api/tables/sales', headers: session() })).json();
  assert.deepEqual(table.columns.map((c: { name: string; kind: string }) => [c.name, c.kind]), [['id', 'integer'], ['name', 'text'], ['zip', 'text'], ['amount', 'text'], ['happened_on', 'date']]);
  assert.equal(table.latestImport.fileName, 'My Data.csv');
  assert.match(table.latestImport.sha256, /^[0-9a-f]{64}$/);
  assert.equal(table.latestImport.actor, 'ann@example.com');
  const rows = (await ta.app.inject({ url: '/api/tables/sales/rows?q=bob', headers: session() })).json();
  assert.equal(rows.total, 1, 'searchable through the import module index');
  const csv = await ta.app.inject({ url: '/tables/sales/export.csv', headers: session() });
  assert.match(csv.body, /^id,name,zip,amount,happened_on\r\n1,Ann,00123,1.5,2024-01-02\r\n2,"Bob, Jr.",04567,2.25/);
  assert.match(csv.body, /3,'=HYPERLINK\(\),99999,'-3,/, 'formula text neutralised');
  const outcome = await ta.app.inject({ url: `/imports/jobs/${jobId}/outcome`, headers: session() });
  assert.match(outcome.body, /href="\/tables\/sales"/);
  const home = await ta.app.inject({ url: '/', headers: { ...session(), ...HTML } });
  assert.match(home.body, /My Data\.csv/);
  const history = await ta.app.inject({ url: '/imports', headers: { ...session(), ...HTML } });
  assert.match(history.body, /succeeded/);

  // Append the same file through the JSON API: plan defaults come from the file (types detected by the import).
  const up2 = (await upload(ta, CSV.replace('when', 'happened_on'))).json().upload;
  const started = await ta.app.inject({ method: 'POST', url: '/api/imports', headers: session(), payload: { upload: up2.id, table: 'sales', mode: 'append' } });
  assert.equal(started.statusCode, 202, started.body);
  const appended = await finish(ta, started.json().job.id);
  assert.equal(appended.state, 'succeeded', JSON.stringify(appended));
  assert.equal((await ta.app.inject({ url: '/api/tables/sales', headers: session() })).json().rows, 6);
});

test('import errors name line and column; nothing is written; the upload stays for another try', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const up = (await upload(ta, 'a,b\n1,2\n3\n')).json().upload;
  const started = await ta.app.inject({ method: 'POST', url: '/api/imports', headers: session(), payload: { upload: up.id, table: 'bad', mode: 'create', encoding: 'utf-8', delimiter: ',', columns: [{ name: 'a', header: 'a', type: 'integer' }, { name: 'b', header: 'b', type: 'integer' }] } });
  assert.equal(started.statusCode, 202, started.body);
  const job = await finish(ta, started.json().job.id);
  assert.equal(job.state, 'failed');
  assert.equal(job.error.code, 'IMPORT_FAILED');
  assert.equal(job.error.details.line, 3);
  assert.equal((await ta.app.inject({ url: '/api/tables/bad', headers: session() })).statusCode, 404);
  assert.ok(existsSync(`${ta.config.uploadsDir}/${up.id}.csv`));
  const outcome = await ta.app.inject({ url: `/imports/jobs/${job.id}/outcome`, headers: session() });
  assert.match(outcome.body, /line 3/);
  assert.equal((await ta.app.inject({ method: 'POST', url: `/uploads/${up.id}/discard`, headers: session() })).statusCode, 303);
  assert.deepEqual(filesIn(ta.config.uploadsDir), []);
});

test('uploads over the limit are refused while streaming and leave no file', async (t) => {
  const ta = await startTestApp({ BERTH_MAX_UPLOAD_BYTES: '1000' });
  t.after(() => ta.close());
  const res = await upload(ta, Buffer.alloc(5000, 'a'));
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE');
  assert.deepEqual(filesIn(ta.config.uploadsDir), []);
  // Without a Content-Length (chunked), the limit holds while the bytes arrive.
  const { Readable } = await import('node:stream');
  const chunked = await ta.app.inject({ method: 'POST', url: '/api/uploads?name=x.csv', headers: { ...session(), 'content-type': 'text/csv', 'transfer-encoding': 'chunked' }, payload: Readable.from([Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')]) });
  assert.equal(chunked.statusCode, 413);
  assert.deepEqual(filesIn(ta.config.uploadsDir), []);
  const unauth = await ta.app.inject({ method: 'POST', url: '/api/uploads?name=x.csv', payload: 'a,b\n' });
  assert.equal(unauth.statusCode, 401);
});
