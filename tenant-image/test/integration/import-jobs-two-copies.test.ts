// Import jobs during a rollout: two app processes on one data directory, and every request about
// an import running in copy A sent to copy B instead (as Traefik may do during the overlap).
// B answers progress and outcome from the database, and a cancel sent to B stops A's import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sessionHeaders, startAppProcess, type AppProcess } from '../support/app-process.js';
import { waitFor } from '@berth/common/wait-for';

interface Job {
  id: string;
  state: string;
  rows: number;
  bytes: number;
  totalBytes: number;
  indexing: boolean;
  cancelRequested: boolean;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

function csvOf(rows: number): string {
  const lines = ['id,label,amount'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},label number ${i},${(i * 1.25).toFixed(2)}`);
  return lines.join('\n') + '\n';
}

async function upload(app: AppProcess, name: string, csv: string): Promise<string> {
  const res = await fetch(`${app.url}/api/uploads?name=${name}`, { method: 'POST', headers: { ...sessionHeaders(app.url), 'content-type': 'text/csv' }, body: csv });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { upload: { id: string } }).upload.id;
}

async function startImport(app: AppProcess, uploadId: string, table: string): Promise<Job> {
  const res = await fetch(`${app.url}/api/imports`, { method: 'POST', headers: { ...sessionHeaders(app.url), 'content-type': 'application/json' }, body: JSON.stringify({ upload: uploadId, table, mode: 'create' }) });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { job: Job }).job;
}

async function jobOn(app: AppProcess, id: string): Promise<Job> {
  const res = await fetch(`${app.url}/api/imports/jobs/${id}`, { headers: sessionHeaders(app.url) });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { job: Job }).job;
}

function finishedOn(app: AppProcess, id: string, seen: Job[] = []): Promise<Job> {
  return waitFor(async () => {
    const job = await jobOn(app, id);
    seen.push(job);
    return job.state !== 'running' && !job.indexing ? job : undefined;
  }, { timeoutMs: 90_000, intervalMs: 100, what: `import ${id} to finish` });
}

async function twoCopies(t: { after: (fn: () => Promise<void> | void) => void }): Promise<{ dir: string; a: AppProcess; b: AppProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-import-jobs-'));
  const a = await startAppProcess({ dataDir: dir });
  const b = await startAppProcess({ dataDir: dir });
  t.after(async () => {
    await Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, a, b };
}

function inspect(dir: string) {
  const db = new Database(join(dir, 'tenant.db'), { readonly: true });
  try {
    return {
      tables: db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_berth\\_%' ESCAPE '\\'").pluck().all() as string[],
      staging: db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '\\_berth\\_import\\_%' ESCAPE '\\'").pluck().all() as string[],
      provenance: db.prepare('SELECT id, status, rows_imported AS rows FROM _berth_imports ORDER BY seq').all() as Array<{ id: string; status: string; rows: number }>,
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

test('an import started on copy A is reviewed, watched and finished through copy B', { timeout: 180_000 }, async (t) => {
  const { dir, a, b } = await twoCopies(t);
  const uploadId = await upload(a, 'sales.csv', csvOf(300_000));
  // Uploads are on the shared volume: the review step works on the other copy.
  const review = await fetch(`${b.url}/uploads/${uploadId}/review`, { headers: { ...sessionHeaders(b.url), accept: 'text/html' } });
  assert.equal(review.status, 200);
  assert.match(await review.text(), /sales\.csv/);

  const started = await startImport(a, uploadId, 'sales');
  const seen: Job[] = [];
  const page = await fetch(`${b.url}/imports/jobs/${started.id}`, { headers: { ...sessionHeaders(b.url), accept: 'text/html' } });
  assert.equal(page.status, 200, 'the progress page opens on the copy that does not run the import');
  const done = await finishedOn(b, started.id, seen);
  assert.equal(done.state, 'succeeded', JSON.stringify(done));
  assert.equal(done.rows, 300_000);
  assert.equal(done.bytes, done.totalBytes);
  assert.ok(seen.some((j) => j.state === 'running' && j.rows > 0), `B reported progress while A imported: ${JSON.stringify(seen.slice(0, 3))}`);
  const rows = seen.filter((j) => j.state === 'running').map((j) => j.rows);
  assert.deepEqual(rows, [...rows].sort((x, y) => x - y), 'rows reported by B never go backwards');

  const outcome = await fetch(`${b.url}/imports/jobs/${started.id}/outcome`, { headers: sessionHeaders(b.url) });
  assert.match(await outcome.text(), /Imported 300,000 rows/);
  const table = (await (await fetch(`${b.url}/api/tables/sales`, { headers: sessionHeaders(b.url) })).json()) as { rows: number };
  assert.equal(table.rows, 300_000);
  assert.deepEqual(await jobOn(a, started.id), done, 'both copies give the same answer');
  assert.equal((await fetch(`${b.url}/api/uploads/${uploadId}`, { headers: sessionHeaders(b.url) })).status, 404, 'the upload is removed after the commit');
  assert.equal(inspect(dir).integrity, 'ok');
});

test('a cancel sent to copy B stops the import running on copy A; nothing partial is left', { timeout: 180_000 }, async (t) => {
  const { dir, a, b } = await twoCopies(t);
  const uploadId = await upload(a, 'big.csv', csvOf(1_500_000));
  const started = await startImport(a, uploadId, 'big');
  await waitFor(async () => {
    const j = await jobOn(b, started.id);
    assert.equal(j.state, 'running', 'the import must still run when the cancel is sent');
    return j.rows > 0;
  }, { timeoutMs: 60_000, intervalMs: 20, what: 'B to see rows being written' });

  const res = await fetch(`${b.url}/api/imports/jobs/${started.id}/cancel`, { method: 'POST', headers: sessionHeaders(b.url) });
  assert.equal(res.status, 202, await res.clone().text());
  assert.equal(((await res.json()) as { job: Job }).job.cancelRequested, true);
  const onB = await finishedOn(b, started.id);
  assert.equal(onB.state, 'cancelled', JSON.stringify(onB));
  assert.equal(onB.error?.code, 'IMPORT_CANCELLED');
  assert.equal((await jobOn(a, started.id)).state, 'cancelled');
  assert.equal((await a.stop('SIGTERM')), 0, a.output());

  const after = inspect(dir);
  assert.deepEqual(after.tables, [], 'no table');
  assert.deepEqual(after.staging, [], 'no staging table');
  assert.deepEqual(after.provenance.map((p) => [p.id, p.status, p.rows]), [[started.id, 'cancelled', 0]]);
  assert.equal(after.integrity, 'ok');
  assert.equal((await fetch(`${b.url}/api/uploads/${uploadId}`, { headers: sessionHeaders(b.url) })).status, 404, 'a cancelled import\'s upload goes');
});

test('copy A stopped mid-import (the old copy at the end of a rollout): B reports it interrupted and imports the kept file', { timeout: 180_000 }, async (t) => {
  const { dir, a, b } = await twoCopies(t);
  const uploadId = await upload(a, 'big.csv', csvOf(500_000));
  const started = await startImport(a, uploadId, 'big');
  await waitFor(async () => (await jobOn(b, started.id)).rows > 0, { timeoutMs: 60_000, intervalMs: 20, what: 'rows being written' });
  assert.equal(await a.stop('SIGTERM'), 0, a.output());

  const onB = await jobOn(b, started.id);
  assert.equal(onB.state, 'failed', JSON.stringify(onB));
  assert.equal(onB.error?.details?.reason, 'CSV_INTERRUPTED');
  assert.deepEqual(inspect(dir).staging, []);
  const again = await startImport(b, uploadId, 'big');
  const done = await finishedOn(b, again.id);
  assert.equal(done.state, 'succeeded', JSON.stringify(done));
  assert.equal(done.rows, 500_000);
});
