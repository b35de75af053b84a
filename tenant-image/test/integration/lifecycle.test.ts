// The process lifecycle a rollout relies on (ROLLOUT.md F1, F3, F4): listen only when ready,
// drain turns readiness red while serving, SIGTERM finishes in-flight requests and exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open-database.js';
import { sessionHeaders, startAppProcess } from '../support/app-process.js';
import { waitFor } from '@berth/common/wait-for';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-lifecycle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the port opens only once the app is ready', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  // Hold the write lock so the app's migrations wait (as behind a long write of the other copy).
  const holder = openDatabase(join(dir, 'tenant.db'), { busyTimeoutMs: 5000 });
  holder.exec('BEGIN IMMEDIATE');
  const app = await startAppProcess({ dataDir: dir, waitReady: false });
  t.after(() => app.stop('SIGKILL'));
  const seen: number[] = [];
  const probeUntil = Date.now() + 1500;
  while (Date.now() < probeUntil) {
    const status = await fetch(`${app.url}/__heartbeat__`).then((r) => r.status, () => 0);
    seen.push(status);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(seen.every((s) => s === 0), `nothing may answer before migrations ran: ${[...new Set(seen)]}`);
  holder.exec('COMMIT');
  holder.close();
  await waitFor(async () => (await fetch(`${app.url}/__heartbeat__`)).status === 200, { timeoutMs: 15_000, what: 'ready' });
});

test('drain, control-only endpoints, container header, keep-alive, SIGTERM finishes a slow request', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const app = await startAppProcess({ dataDir: dir, env: { BERTH_SQL_TIME_LIMIT_MS: '20000' } });
  t.after(() => app.stop('SIGKILL'));

  const hb = await fetch(`${app.url}/__heartbeat__`);
  assert.equal(hb.headers.get('x-berth-container'), hostname());
  assert.match(hb.headers.get('keep-alive') ?? '', /timeout=65/);
  const viaProxy = await fetch(`${app.url}/__berth/state`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  assert.equal(viaProxy.status, 403);
  assert.equal(viaProxy.headers.get('x-berth-container'), hostname());
  const state = (await (await fetch(`${app.url}/__berth/state`)).json()) as { ready: boolean; inflight: number; container: string };
  assert.equal(state.ready, true);
  assert.equal(state.inflight, 0);
  assert.equal(state.container, hostname());

  assert.equal((await fetch(`${app.url}/__berth/drain`, { method: 'POST' })).status, 200);
  assert.equal((await fetch(`${app.url}/__heartbeat__`)).status, 503);
  assert.equal((await fetch(`${app.url}/api/tables`, { headers: sessionHeaders(app.url) })).status, 200, 'draining keeps serving');

  // A slow request (a long read query), then SIGTERM while it runs.
  await fetch(`${app.url}/api/sql?sql=select+1`, { headers: sessionHeaders(app.url) }); // warm the query process
  const slowSql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c';
  const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${app.url}/api/sql?sql=${encodeURIComponent(slowSql)}`, { headers: sessionHeaders(app.url) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
  await waitFor(async () => ((await (await fetch(`${app.url}/__berth/state`)).json()) as { inflight: number }).inflight === 1, { timeoutMs: 5000, what: 'the slow request in flight' });
  const exit = app.stop('SIGTERM');
  const res = await slow;
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(JSON.parse(res.body).rows, [[3000000]]);
  assert.equal(await exit, 0, app.output());
});

test('SIGTERM during an import cancels it cleanly: exit 0, no table, no staging left', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t);
  const app = await startAppProcess({ dataDir: dir });
  t.after(() => app.stop('SIGKILL'));
  const h = sessionHeaders(app.url);
  const lines = ['id,label'];
  for (let i = 0; i < 400_000; i++) lines.push(`${i},label number ${i}`);
  const up = await fetch(`${app.url}/api/uploads?name=big.csv`, { method: 'POST', headers: { ...h, 'content-type': 'text/csv' }, body: lines.join('\n') });
  const { upload } = (await up.json()) as { upload: { id: string } };
  const started = await fetch(`${app.url}/api/imports`, { method: 'POST', headers: { ...h, 'content-type': 'application/json' }, body: JSON.stringify({ upload: upload.id, table: 'big', mode: 'create' }) });
  const { job } = (await started.json()) as { job: { id: string } };
  await waitFor(async () => {
    const j = (await (await fetch(`${app.url}/api/imports/jobs/${job.id}`, { headers: h })).json()) as { job: { rows: number } };
    return j.job.rows > 0;
  }, { timeoutMs: 30_000, intervalMs: 10, what: 'the import to be writing rows' });
  assert.equal(await app.stop('SIGTERM'), 0, app.output());
  const db = openDatabase(join(dir, 'tenant.db'), { busyTimeoutMs: 5000 });
  t.after(() => db.close());
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_berth\\_%' ESCAPE '\\'").pluck().all();
  assert.deepEqual(tables, []);
  const staging = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '\\_berth\\_import\\_%' ESCAPE '\\'").pluck().all();
  assert.deepEqual(staging, []);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
});
