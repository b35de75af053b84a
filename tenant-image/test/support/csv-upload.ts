// Upload a CSV and wait for an import job through the app (inject), as a user's browser would.
import assert from 'node:assert/strict';
import { session, type TestApp } from './test-app.js';
import { waitFor } from '@berth/common/wait-for';

export async function uploadCsv(ta: TestApp, body: string, name = 'flights.csv'): Promise<string> {
  const up = await ta.app.inject({ method: 'POST', url: `/api/uploads?name=${encodeURIComponent(name)}`, headers: { ...session(), 'content-type': 'text/csv' }, payload: body });
  assert.equal(up.statusCode, 201, up.body);
  return up.json().upload.id;
}

export async function finishJob(ta: TestApp, jobId: string) {
  return waitFor(async () => {
    const job = (await ta.app.inject({ url: `/api/imports/jobs/${jobId}`, headers: session() })).json().job;
    return job.state !== 'running' && !job.indexing ? job : undefined;
  }, { timeoutMs: 20_000, what: 'the import to finish' });
}

/** Uploads and imports `body` as `table` with detected types; fails the test unless it succeeds. */
export async function importTable(ta: TestApp, body: string, table: string): Promise<void> {
  const id = await uploadCsv(ta, body, `${table}.csv`);
  const start = await ta.app.inject({ method: 'POST', url: '/api/imports', headers: session(), payload: { upload: id, table } });
  assert.equal(start.statusCode, 202, start.body);
  const job = await finishJob(ta, start.json().job.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
}
