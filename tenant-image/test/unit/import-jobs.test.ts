// Import job status from the database: the pure verdict (describeJob) and the routes answering
// for a job that another app copy runs (its row written here as that copy would).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STAGING_PREFIX, FTS_PREFIX } from '../../src/csv-import/index.js';
import { MIGRATIONS } from '../../src/db/migrations.js';
import { insertJob, recordOutcome, type JobRecord } from '../../src/imports/job-records.js';
import { describeJob, STALE_AFTER_MS } from '../../src/imports/job-status.js';
import { HTML, session, startTestApp } from '../support/test-app.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function record(over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'job1', uploadId: 'u'.repeat(22), fileName: 'f.csv', table: 't', mode: 'create', actor: 'ann@example.com', owner: 'other/1',
    totalBytes: 1000, startedAt: T0, state: 'running', indexing: false, rows: 0, bytes: 0, beatAt: T0, finishedAt: null,
    cancelRequestedAt: null, error: null, result: null, provenance: null, ...over,
  };
}
const beat = (over: Partial<NonNullable<JobRecord['provenance']>> = {}) => ({ status: 'running', rows: 0, heartbeatAt: T0, errorCode: null, errorMessage: null, ...over });

test('describeJob: one verdict from the job row, the provenance heartbeat and live progress', () => {
  const cases: Array<[string, JobRecord, number, Partial<ReturnType<typeof describeJob>>, { rows: number; bytes: number; totalBytes: number }?]> = [
    ['running, rows from the provenance heartbeat', record({ rows: 10, bytes: 100, provenance: beat({ rows: 40, heartbeatAt: T0 + 5000 }) }), T0 + 6000, { state: 'running', rows: 40, bytes: 100 }],
    ['the owner merges its live progress', record({ rows: 10, bytes: 100 }), T0 + 1000, { state: 'running', rows: 70, bytes: 700 }, { rows: 70, bytes: 700, totalBytes: 1000 }],
    ['a dead owner is interrupted, not running forever', record({ beatAt: T0 + 1000 }), T0 + 1000 + STALE_AFTER_MS + 1, { state: 'failed', finishedAt: T0 + 1000 }],
    ['a recent provenance heartbeat keeps it alive', record({ provenance: beat({ heartbeatAt: T0 + STALE_AFTER_MS }) }), T0 + STALE_AFTER_MS + 5, { state: 'running' }],
    ['the live owner is alive whatever the clock says', record(), T0 + 10 * STALE_AFTER_MS, { state: 'running' }, { rows: 1, bytes: 1, totalBytes: 1000 }],
    ['the worker finished before the owner recorded it', record({ provenance: beat({ status: 'succeeded', rows: 5, heartbeatAt: T0 + 10 }) }), T0 + 20, { state: 'succeeded', rows: 5, bytes: 1000, indexing: true }],
    ['the worker was cancelled before the owner recorded it', record({ provenance: beat({ status: 'cancelled', errorCode: 'CSV_CANCELLED', errorMessage: 'cancelled' }) }), T0 + 20, { state: 'cancelled' }],
    ['recorded outcome wins', record({ state: 'succeeded', rows: 3, bytes: 1000, indexing: true, finishedAt: T0 + 5, beatAt: T0 + 5 }), T0 + 10, { state: 'succeeded', rows: 3, indexing: true, finishedAt: T0 + 5 }],
    ['indexing ends with a dead owner', record({ state: 'succeeded', indexing: true, beatAt: T0 }), T0 + STALE_AFTER_MS + 1, { state: 'succeeded', indexing: false }],
    ['a cancel request shows before the owner acts on it', record({ cancelRequestedAt: T0 + 1 }), T0 + 2, { state: 'running', cancelRequested: true }],
  ];
  for (const [name, rec, now, want, live] of cases) {
    const got = describeJob(rec, now, live);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${name}: ${k}`);
  }
  const dead = describeJob(record(), T0 + STALE_AFTER_MS + 1);
  assert.equal(dead.error?.code, 'IMPORT_FAILED');
  assert.equal(dead.error?.details?.reason, 'CSV_INTERRUPTED');
  const failed = describeJob(record({ provenance: beat({ status: 'failed', errorCode: 'CSV_RAGGED_ROW', errorMessage: 'Row 3 is short.' }) }), T0 + 1);
  assert.deepEqual([failed.state, failed.error?.code, failed.error?.message, failed.error?.details?.reason], ['failed', 'IMPORT_FAILED', 'Row 3 is short.', 'CSV_RAGGED_ROW']);
});

test('no internal table may look like an import staging table: every copy\'s startup cleanup drops those', () => {
  for (const m of MIGRATIONS) {
    for (const [, name] of m.sql.matchAll(/CREATE TABLE IF NOT EXISTS (\S+)/g)) {
      assert.ok(!name!.startsWith(STAGING_PREFIX) && !name!.startsWith(FTS_PREFIX), `${name} (migration ${m.id})`);
    }
  }
});

test('a job another copy runs: status, cancel request, progress page, history; a dead owner reads as interrupted', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const now = Date.now();
  insertJob(ta.db, { id: 'otherjob1', uploadId: 'u'.repeat(22), fileName: 'theirs.csv', table: 'theirs', mode: 'create', actor: 'bob@example.com', owner: 'other-copy/7', totalBytes: 5000, startedAt: now }, now - 1000);

  const status = await ta.app.inject({ url: '/api/imports/jobs/otherjob1', headers: session() });
  assert.equal(status.statusCode, 200, status.body);
  assert.deepEqual(
    (({ state, fileName, table, totalBytes, cancelRequested }) => ({ state, fileName, table, totalBytes, cancelRequested }))(status.json().job),
    { state: 'running', fileName: 'theirs.csv', table: 'theirs', totalBytes: 5000, cancelRequested: false },
  );
  const page = await ta.app.inject({ url: '/imports/jobs/otherjob1', headers: { ...session(), ...HTML } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /data-state="running"/);
  assert.match((await ta.app.inject({ url: '/imports', headers: { ...session(), ...HTML } })).body, /Running now.*theirs\.csv/s, 'history lists imports running in the other copy');

  const cancel = await ta.app.inject({ method: 'POST', url: '/api/imports/jobs/otherjob1/cancel', headers: session() });
  assert.equal(cancel.statusCode, 202, cancel.body);
  assert.equal(cancel.json().job.state, 'running', 'the owner stops it; until then it runs');
  assert.equal(cancel.json().job.cancelRequested, true);
  assert.ok(ta.db.prepare("SELECT cancel_requested_at FROM _berth_jobs WHERE id = 'otherjob1'").pluck().get());
  const form = await ta.app.inject({ method: 'POST', url: '/imports/jobs/otherjob1/cancel', headers: session() });
  assert.equal(form.statusCode, 303);

  // The owner dies: no beat for longer than the stale limit.
  ta.db.prepare('UPDATE _berth_jobs SET beat_at = ? WHERE id = ?').run(now - STALE_AFTER_MS - 1000, 'otherjob1');
  const dead = (await ta.app.inject({ url: '/api/imports/jobs/otherjob1', headers: session() })).json().job;
  assert.equal(dead.state, 'failed');
  assert.equal(dead.error.details.reason, 'CSV_INTERRUPTED');
  const outcome = await ta.app.inject({ url: '/imports/jobs/otherjob1/outcome', headers: session() });
  assert.match(outcome.body, /stopped while importing.*Review the file again/s);
  assert.doesNotMatch((await ta.app.inject({ url: '/imports', headers: { ...session(), ...HTML } })).body, /Running now/);

  // An outcome recorded by the owner is answered with its details, here as on the owner.
  recordOutcome(ta.db, 'otherjob1', { state: 'failed', rows: 2, bytes: 10, indexing: false, error: { code: 'IMPORT_FAILED', message: 'bad row', details: { reason: 'CSV_RAGGED_ROW', line: 3 } } }, Date.now());
  const failed = (await ta.app.inject({ url: '/api/imports/jobs/otherjob1', headers: session() })).json().job;
  assert.deepEqual([failed.state, failed.error.details.line], ['failed', 3]);
  assert.equal((await ta.app.inject({ url: '/api/imports/jobs/nosuchjob', headers: session() })).statusCode, 404);
});
