// Issue 14: editing in place during a rollout — two app processes on one database file, each
// change made on one copy and checked on the other: cell edits (and edits racing on both copies
// at once), a stale edit refused across copies, row deletes (the other copy's row count follows),
// rename, saved queries, drop, and the activity view listing all of it with who did it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { waitFor } from '@berth/common/wait-for';
import { sessionHeaders, startAppProcess, type AppProcess } from '../support/app-process.js';

const ROWS = 400;

function flightsCsv(): string {
  const lines = ['flight,dep_delay,tailnum'];
  for (let i = 1; i <= ROWS; i++) lines.push(`${i},${i % 9 === 0 ? 'NA' : i % 60},N${1000 + i}`);
  return `${lines.join('\n')}\n`;
}

// The answers' shapes are checked by the assertions themselves.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(app: AppProcess, method: string, path: string, body?: unknown, email = 'ann@example.com'): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...sessionHeaders(app.url, email), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function importFlights(app: AppProcess): Promise<void> {
  const up = await fetch(`${app.url}/api/uploads?name=flights.csv`, { method: 'POST', headers: { ...sessionHeaders(app.url), 'content-type': 'text/csv' }, body: flightsCsv() });
  assert.equal(up.status, 201);
  const { upload } = (await up.json()) as { upload: { id: string } };
  const started = await call(app, 'POST', '/api/imports', { upload: upload.id, table: 'flights' });
  assert.equal(started.status, 202, JSON.stringify(started.json));
  const job = await waitFor(async () => {
    const { json } = await call(app, 'GET', `/api/imports/jobs/${started.json.job.id}`);
    return json.job.state !== 'running' && !json.job.indexing ? json.job : undefined;
  }, { timeoutMs: 60_000, what: 'the import to finish' });
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
}

test('edits, deletes, rename, saved queries and drop on one copy are seen by the other; the activity view lists them', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-edits-two-copies-'));
  const a = await startAppProcess({ dataDir: dir });
  const b = await startAppProcess({ dataDir: dir });
  try {
    await importFlights(a);
    assert.equal((await call(b, 'GET', '/api/tables/flights')).json.rows, ROWS, 'B counted the table (and caches the count)');

    // A cell edit on A, read on B.
    const edit = await call(a, 'PATCH', '/api/tables/flights/rows/9', { values: { dep_delay: 15 }, expect: { dep_delay: null } }, 'ann@example.com');
    assert.equal(edit.status, 200, JSON.stringify(edit.json));
    assert.equal((await call(b, 'GET', '/api/tables/flights/rows/9')).json.dep_delay, 15);

    // B still believes row 9 was NA: its stale edit is refused, A's value stays.
    const stale = await call(b, 'PATCH', '/api/tables/flights/rows/9', { values: { dep_delay: 99 }, expect: { dep_delay: null } }, 'bob@example.com');
    assert.equal(stale.status, 409, JSON.stringify(stale.json));
    assert.equal(stale.json.error.code, 'CONFLICT');

    // Both copies edit and delete at once: every change commits (writers wait for the lock, none fails).
    const work: Promise<{ status: number; json: Json }>[] = [];
    for (let i = 0; i < 40; i++) {
      work.push(call(a, 'PATCH', `/api/tables/flights/rows/${100 + i}`, { values: { tailnum: `A${i}` } }, 'ann@example.com'));
      work.push(call(b, 'PATCH', `/api/tables/flights/rows/${200 + i}`, { values: { tailnum: `B${i}` } }, 'bob@example.com'));
      if (i % 4 === 0) work.push(call(i % 8 === 0 ? a : b, 'DELETE', `/api/tables/flights/rows/${300 + i}`, undefined, 'cy@example.com'));
    }
    const results = await Promise.all(work);
    assert.deepEqual(results.filter((r) => r.status >= 300).map((r) => r.json), [], 'no edit or delete failed');
    assert.equal((await call(a, 'GET', '/api/tables/flights')).json.rows, ROWS - 10, "A's count follows deletes made on both copies");
    assert.equal((await call(b, 'GET', '/api/tables/flights')).json.rows, ROWS - 10, "B's cached count is not trusted after a delete");
    const db = new Database(join(dir, 'tenant.db'), { readonly: true });
    try {
      assert.equal(db.prepare("SELECT count(*) FROM flights WHERE tailnum LIKE 'A%' OR tailnum LIKE 'B%'").pluck().get(), 80);
      assert.equal(db.prepare('PRAGMA integrity_check').pluck().get(), 'ok');
    } finally {
      db.close();
    }
    const found = await call(b, 'GET', '/api/tables/flights/rows?q=B7');
    assert.deepEqual(found.json.rows.map((r: { flight: number }) => r.flight), [207], "A's search index holds B's edit");

    // A query saved on B runs from A's tables page.
    assert.equal((await call(b, 'POST', '/api/queries', { name: 'late', sql: 'SELECT count(*) AS n FROM flights WHERE dep_delay > 50' }, 'bob@example.com')).status, 201);
    const home = await (await fetch(`${a.url}/`, { headers: { ...sessionHeaders(a.url), accept: 'text/html' } })).text();
    const link = /<a href="(\/queries\/\d+)" data-query="late">/.exec(home);
    assert.ok(link, "B's saved query is on A's tables page");
    const run = await fetch(`${a.url}${link[1]}`, { headers: { ...sessionHeaders(a.url), accept: 'text/html' } });
    assert.equal(run.status, 200, 'followed the redirect to the SQL page');
    assert.match(await run.text(), /1 row/);

    // Rename on B: A serves the new name at once; drop on A: B has nothing to serve.
    assert.equal((await call(b, 'POST', '/api/tables/flights/rename', { name: 'flights_2013' }, 'bob@example.com')).status, 200);
    assert.equal((await call(a, 'GET', '/api/tables/flights')).status, 404);
    assert.equal((await call(a, 'GET', '/api/tables/flights_2013')).json.rows, ROWS - 10);
    const dropped = await call(a, 'DELETE', '/api/tables/flights_2013', undefined, 'ann@example.com');
    assert.equal(dropped.status, 200, JSON.stringify(dropped.json));
    assert.equal((await call(b, 'GET', '/api/tables/flights_2013')).status, 404);

    // Either copy's activity view lists every change, with who made it.
    const entries = (await call(b, 'GET', '/api/activity?limit=1000')).json.entries as { action: string; actor: string }[];
    const count = (action: string, actor?: string) => entries.filter((e) => e.action === action && (actor === undefined || e.actor === actor)).length;
    assert.equal(count('cell.edit', 'ann@example.com'), 41);
    assert.equal(count('cell.edit', 'bob@example.com'), 40);
    assert.equal(count('rows.delete', 'cy@example.com'), 10);
    assert.equal(count('query.save', 'bob@example.com'), 1);
    assert.equal(count('table.rename', 'bob@example.com'), 1);
    assert.equal(count('table.drop', 'ann@example.com'), 1);
    assert.equal(count('import'), 1);
    assert.equal(entries[0]!.action, 'table.drop', 'newest first');
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
});
