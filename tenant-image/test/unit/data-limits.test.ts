// The instance's limits against the real app on a real SQLite file: uploads in flight, bytes of
// uploads plus database (refused from Content-Length before a byte is stored, while streaming,
// and before an import), and abandoned uploads expiring while the app runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createLogger } from '@berth/common/logger';
import { waitFor } from '@berth/common/wait-for';
import { runUploadSweep } from '../../src/imports/upload-sweep.js';
import { uploadCsv } from '../support/csv-upload.js';
import { session, startTestApp, type TestApp } from '../support/test-app.js';

const MIB = 1024 * 1024;
const upload = (ta: TestApp, payload: Buffer | Readable, headers: Record<string, string> = {}) =>
  ta.app.inject({ method: 'POST', url: '/api/uploads?name=big.csv', headers: { ...session(), 'content-type': 'text/csv', ...headers }, payload });
const files = (ta: TestApp) => (existsSync(ta.config.uploadsDir) ? readdirSync(ta.config.uploadsDir).sort() : []);
const csvOf = (bytes: number) => Buffer.from(`a,b\n${'1,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'.repeat(Math.ceil(bytes / 75))}`);

test('uploads in flight: one more than BERTH_MAX_UPLOADS_IN_FLIGHT is refused with 429 naming the limit', async (t) => {
  const ta = await startTestApp({ BERTH_MAX_UPLOADS_IN_FLIGHT: '1' });
  t.after(() => ta.close());
  const body = new PassThrough();
  body.write('a,b\n1,2\n');
  const first = upload(ta, body);
  await waitFor(async () => files(ta).some((f) => f.endsWith('.part')) || undefined, { timeoutMs: 10_000, what: 'the first upload to be streaming' });
  const second = await upload(ta, Buffer.from('a\n1\n'));
  assert.equal(second.statusCode, 429);
  assert.equal(second.json().error.code, 'TOO_MANY_UPLOADS');
  assert.equal(second.json().error.details.limit, 'BERTH_MAX_UPLOADS_IN_FLIGHT');
  body.end('3,4\n');
  assert.equal((await first).statusCode, 201);
  assert.equal((await upload(ta, Buffer.from('a\n1\n'))).statusCode, 201, 'the slot is free again');
});

test('data limit: a declared size that does not fit is refused before a byte is stored', async (t) => {
  const ta = await startTestApp({ BERTH_MAX_DATA_MIB: '1' });
  t.after(() => ta.close());
  const res = await upload(ta, csvOf(2 * MIB));
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().error.code, 'DATA_LIMIT');
  assert.equal(res.json().error.details.limit, 'BERTH_MAX_DATA_MIB');
  assert.equal(res.json().error.details.limitBytes, MIB);
  assert.match(res.json().error.message, /data limit of 1 MiB/);
  assert.deepEqual(files(ta), [], 'nothing stored');
});

test('data limit: an upload without Content-Length is stopped while it streams; nothing of it stays', async (t) => {
  const ta = await startTestApp({ BERTH_MAX_DATA_MIB: '1' });
  t.after(() => ta.close());
  const big = csvOf(2 * MIB);
  const chunks = Array.from({ length: 32 }, (_, i) => big.subarray((i * big.length) / 32, ((i + 1) * big.length) / 32));
  const res = await upload(ta, Readable.from(chunks));
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().error.code, 'DATA_LIMIT');
  assert.deepEqual(files(ta), []);
  assert.equal((await upload(ta, Buffer.from('a\n1\n'))).statusCode, 201, 'small uploads still fit');
});

test('data limit: an import that needs more room than is left is refused before it starts', async (t) => {
  const ta = await startTestApp({ BERTH_MAX_DATA_MIB: '1' });
  t.after(() => ta.close());
  const free = MIB - (await ta.deps.dataBudget.usedBytes());
  // Fits as an upload, but importing copies it into the database: twice does not fit.
  const id = await uploadCsv(ta, csvOf(Math.floor(free * 0.6)).toString(), 'big.csv');
  const res = await ta.app.inject({ method: 'POST', url: '/api/imports', headers: session(), payload: { upload: id, table: 'big' } });
  assert.equal(res.statusCode, 413, res.body);
  assert.equal(res.json().error.code, 'DATA_LIMIT');
  assert.match(res.json().error.message, /importing big\.csv/);
  assert.equal(ta.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'big'").pluck().get(), 0);
});

test('abandoned uploads expire while the app runs; the sweep stops with its signal', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const old = await uploadCsv(ta, 'a\n1\n', 'old.csv');
  const fresh = await uploadCsv(ta, 'a\n2\n', 'fresh.csv');
  const day = 24 * 3600;
  utimesSync(join(ta.config.uploadsDir, `${old}.csv`), Date.now() / 1000 - 2 * day, Date.now() / 1000 - 2 * day);
  ta.db.prepare('UPDATE _berth_uploads SET created_at = ? WHERE id = ?').run(Date.now() - 2 * day * 1000, old);
  const stop = new AbortController();
  const log = createLogger({ component: 'test', level: 'error', destination: { write: () => undefined } });
  const sweeping = runUploadSweep({ db: ta.db, uploadsDir: ta.config.uploadsDir, ttlMs: day * 1000, intervalMs: 20, log }, stop.signal);
  await waitFor(async () => !files(ta).includes(`${old}.csv`) || undefined, { timeoutMs: 10_000, what: 'the old upload to be swept' });
  assert.deepEqual(files(ta), [`${fresh}.csv`]);
  assert.equal(ta.db.prepare('SELECT count(*) FROM _berth_uploads WHERE id = ?').pluck().get(old), 0);
  stop.abort();
  await sweeping;
});
