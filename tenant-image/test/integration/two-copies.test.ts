// Two app processes on one data directory — what a rollout does — writing and importing at
// once: no SQLITE_BUSY reaches a client, every acknowledged write is there exactly once, and
// the database is intact. The negative control (deferred writes, busy timeout 0) must fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionHeaders, startAppProcess, type AppProcess } from '../support/app-process.js';
import { runConcurrentWriters, verifyWrites } from '../support/two-writers.js';
import { waitFor } from '@berth/common/wait-for';

async function importCsv(app: AppProcess, name: string, table: string, csv: string): Promise<string> {
  const h = sessionHeaders(app.url);
  const up = await fetch(`${app.url}/api/uploads?name=${name}`, { method: 'POST', headers: { ...h, 'content-type': 'text/csv' }, body: csv });
  assert.equal(up.status, 201, await up.clone().text());
  const { upload } = (await up.json()) as { upload: { id: string } };
  const started = await fetch(`${app.url}/api/imports`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ upload: upload.id, table, mode: 'create' }) });
  assert.equal(started.status, 202, await started.clone().text());
  return ((await started.json()) as { job: { id: string } }).job.id;
}

async function jobDone(app: AppProcess, id: string): Promise<{ state: string; rows: number; error?: unknown }> {
  return waitFor(async () => {
    const { job } = (await (await fetch(`${app.url}/api/imports/jobs/${id}`, { headers: sessionHeaders(app.url) })).json()) as { job: { state: string; rows: number; indexing: boolean } };
    return job.state !== 'running' && !job.indexing ? job : undefined;
  }, { timeoutMs: 60_000, what: 'import to finish' });
}

function bigCsv(rows: number): string {
  const lines = ['id,name,amount,day'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},name ${i % 977},${(i * 1.25).toFixed(2)},2024-0${1 + (i % 9)}-1${i % 9}`);
  return lines.join('\n') + '\n';
}

async function runTwoCopies(env: Record<string, string>, perClient: number) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-two-copies-'));
  const a = await startAppProcess({ dataDir: dir, env });
  const b = await startAppProcess({ dataDir: dir, env });
  try {
    const created = await jobDone(a, await importCsv(a, 'writes.csv', 'writes', 'client,seq\nseed,0\n'));
    assert.equal(created.state, 'succeeded', JSON.stringify(created));
    // An import runs in B (its own worker connection) while both copies take writes.
    const importJob = await importCsv(b, 'big.csv', 'big', bigCsv(150_000));
    const load = await runConcurrentWriters(
      [{ baseUrl: a.url, headers: sessionHeaders(a.url) }, { baseUrl: b.url, headers: sessionHeaders(b.url) }],
      { table: 'writes', clientsPerTarget: 4, perClient, deadlineMs: 60_000, runId: `r${Date.now()}` },
    );
    const imported = await jobDone(b, importJob);
    return { dir, load, imported, check: verifyWrites(join(dir, 'tenant.db'), 'writes', load.acked) };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

test('two app processes on one database: every acknowledged write once, no SQLITE_BUSY, integrity ok', { timeout: 180_000 }, async () => {
  const { dir, load, imported, check } = await runTwoCopies({}, 150);
  try {
    assert.equal(load.busy, 0);
    assert.deepEqual(load.failures, []);
    assert.equal(load.acked.length, 2 * 4 * 150);
    assert.deepEqual(check.missing, []);
    assert.deepEqual(check.duplicated, []);
    assert.equal(check.integrity, 'ok');
    assert.equal(imported.state, 'succeeded', JSON.stringify(imported));
    assert.equal(imported.rows, 150_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('negative control: deferred writes with busy timeout 0 do surface SQLITE_BUSY', { timeout: 180_000 }, async () => {
  const { dir, load } = await runTwoCopies({ BERTH_FAULT_DEFERRED_WRITES: '1' }, 150);
  try {
    assert.ok(load.busy > 0, `expected busy failures, got ${load.failures.length} failures of ${load.acked.length + load.failures.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
