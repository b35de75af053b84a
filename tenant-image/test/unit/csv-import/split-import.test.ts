// A large file is parsed by two threads, cut at the first line start after its middle. These use
// small files with the threshold at 0, and check that the result is exactly what one thread
// gives: rows in order, the file's hash, errors in file order with absolute lines, nothing left
// behind (no staging table, no scratch file) after a failure or a cancel.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ImportContext } from '../../../src/csv-import/import-csv.js';
import type { ImportPlan } from '../../../src/csv-import/import-plan.js';
import { listImports } from '../../../src/csv-import/provenance.js';
import { runImportInWorker } from '../../../src/csv-import/run-import-in-worker.js';
import { scratchPath } from '../../../src/csv-import/scratch-file.js';
import { dropStaleStagingTables } from '../../../src/csv-import/staging.js';
import { assertImportError, importRecordingSplits, makeEnv, tableNames, type TestEnv } from './test-support.js';
import { ImportError } from '../../../src/csv-import/import-errors.js';

const PLAN: ImportPlan = {
  table: 't',
  mode: 'create',
  encoding: 'utf-8',
  delimiter: ',',
  columns: [
    { name: 'id', header: 'id', type: 'integer' },
    { name: 'note', header: 'note', type: 'text' },
  ],
};

/** `rows` data rows "i,note i" (LF), with `replace` swapping in other text for chosen rows. */
function csv(rows: number, replace: Record<number, string> = {}, eol = '\n'): string {
  let out = `id,note${eol}`;
  for (let i = 1; i <= rows; i++) out += `${replace[i] ?? `${i},note ${i}`}${eol}`;
  return out;
}

function scratchFiles(env: TestEnv): string[] {
  return readdirSync(env.dir).filter((n) => n.endsWith('.scratch'));
}

function importSplit(env: TestEnv, path: string, ctx: Partial<ImportContext> = {}) {
  return importRecordingSplits(env, path, PLAN, ctx);
}

describe('split import (two halves)', () => {
  it('imports both halves in file order, hashes the whole file, and removes the scratch file', async (t) => {
    const env = makeEnv(t);
    const path = env.file('a.csv', csv(5000));
    const { result, splits } = await importSplit(env, path);
    assert.deepEqual(splits, [true]);
    assert.equal(result.rows, 5000);
    assert.equal(result.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
    assert.equal(result.bytes, readFileSync(path).length);
    const ids = env.db.prepare('SELECT id FROM t ORDER BY rowid').pluck().all() as number[];
    assert.deepEqual(ids, Array.from({ length: 5000 }, (_, i) => i + 1));
    assert.equal(env.db.prepare("SELECT note FROM t WHERE id = 4999").pluck().get(), 'note 4999');
    assert.deepEqual(scratchFiles(env), []);
  });

  it('handles CRLF line ends across the split', async (t) => {
    const env = makeEnv(t);
    const path = env.file('crlf.csv', csv(3000, { 2999: '2999,"two\r\nlines"' }, '\r\n'));
    const { result, splits } = await importSplit(env, path);
    assert.deepEqual(splits, [true]);
    assert.equal(result.rows, 3000);
    assert.equal(env.db.prepare('SELECT note FROM t WHERE id = 2999').pluck().get(), 'two\r\nlines');
    assert.equal(env.db.prepare('SELECT note FROM t WHERE id = 3000').pluck().get(), 'note 3000');
  });

  it('a split inside a quoted multi-line field: the helper’s rows are discarded and the result is still right', async (t) => {
    const env = makeEnv(t);
    // Row 1000's note spans the middle of the file, and its lines look like rows to a parser
    // that starts inside it.
    const fake = Array.from({ length: 2000 }, (_, i) => `${90000 + i},fake`).join('\n');
    const path = env.file('q.csv', csv(2000, { 1000: `1000,"${fake}"` }));
    const { result, splits } = await importSplit(env, path);
    assert.deepEqual(splits, [false]);
    assert.equal(result.rows, 2000);
    assert.equal(env.db.prepare('SELECT count(*) FROM t WHERE id >= 90000').pluck().get(), 0);
    assert.equal(env.db.prepare('SELECT note FROM t WHERE id = 1000').pluck().get(), fake);
    assert.equal(result.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
    assert.deepEqual(scratchFiles(env), []);
  });

  it('an error in the second half is reported with its absolute line, and nothing remains', async (t) => {
    const env = makeEnv(t);
    const before = tableNames(env.db);
    const mismatch = env.file('m.csv', csv(4000, { 3500: '3500x,bad' }));
    await assertImportError(importSplit(env, mismatch), 'CSV_TYPE_MISMATCH', { line: 3501, column: 1 });
    const ragged = env.file('r.csv', csv(4000, { 3900: '3900' }));
    await assertImportError(importSplit(env, ragged), 'CSV_RAGGED_ROW', { line: 3901, column: 2 });
    const nul = env.file('n.csv', csv(4000, { 3000: '3000,a\u0000b' }));
    await assertImportError(importSplit(env, nul), 'CSV_NUL_BYTE', { line: 3001, column: 2 });
    const bytes = Buffer.from(csv(4000, { 3333: '3333,XX' }));
    bytes[bytes.indexOf('3333,XX') + 5] = 0xff;
    await assertImportError(importSplit(env, env.file('u.csv', bytes)), 'CSV_INVALID_ENCODING', { line: 3334, column: 2 });
    const unclosed = env.file('o.csv', csv(4000, { 3990: '3990,"never closed' }));
    await assertImportError(importSplit(env, unclosed), 'CSV_UNTERMINATED_QUOTE', { line: 3991, column: 2 });
    assert.deepEqual(tableNames(env.db), before);
    assert.deepEqual(scratchFiles(env), []);
    assert.ok(listImports(env.db).every((i) => i.status === 'failed'));
  });

  it('errors in both halves: the first one in the file wins', async (t) => {
    const env = makeEnv(t);
    const path = env.file('b.csv', csv(4000, { 10: 'ten,bad', 3800: '3800' }));
    await assertImportError(importSplit(env, path), 'CSV_TYPE_MISMATCH', { line: 11 });
    assert.deepEqual(scratchFiles(env), []);
  });

  it('the row limit counts both halves and names the line', async (t) => {
    const env = makeEnv(t);
    const path = env.file('l.csv', csv(4000));
    await assertImportError(importSplit(env, path, { limits: { maxRows: 3000 } }), 'CSV_TOO_MANY_ROWS', { line: 3002 });
    const { result } = await importSplit(env, path, { limits: { maxRows: 4000 }, importId: 'exact' });
    assert.equal(result.rows, 4000);
    assert.deepEqual(scratchFiles(env), []);
  });

  it('the helper’s tables are copied as they come: a limit reached in a later one removes the copied ones and names the line', async (t) => {
    const env = makeEnv(t);
    // 120k rows: the helper's half spans several scratch tables (25k rows each at most).
    const path = env.file('many.csv', csv(120_000));
    await assertImportError(importSplit(env, path, { limits: { maxRows: 100_000 } }), 'CSV_TOO_MANY_ROWS', { line: 100_002 });
    assert.deepEqual(tableNames(env.db), env.schemaTables);
    assert.deepEqual(scratchFiles(env), []);
    const { result, splits } = await importSplit(env, path, { importId: 'whole' });
    assert.deepEqual(splits, [true]);
    assert.equal(result.rows, 120_000);
    assert.ok(typeof result.phasesMs.copy === 'number' && typeof result.phasesMs.wait === 'number');
    const ids = env.db.prepare('SELECT id FROM t ORDER BY rowid').pluck().all() as number[];
    assert.equal(ids.length, 120_000);
    assert.ok(ids.every((id, i) => id === i + 1), 'rows in file order, rowids without gaps');
    assert.equal(env.db.prepare('SELECT max(rowid) FROM t').pluck().get(), 120_000);
  });

  it('cancel during a split import in the worker leaves no table and no scratch file', async (t) => {
    const env = makeEnv(t);
    const path = env.file('c.csv', csv(300_000));
    const before = tableNames(env.db);
    const handle = runImportInWorker(env.dbPath, path, PLAN, {
      fileName: 'c.csv',
      parallelMinBytes: 0,
      rebuildSearchIndex: false,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.rows > 20_000) handle.cancel();
      },
    });
    await assert.rejects(handle.promise, (e: unknown) => e instanceof ImportError && e.code === 'CSV_CANCELLED');
    assert.deepEqual(tableNames(env.db), before);
    assert.deepEqual(scratchFiles(env), []);
    assert.equal(listImports(env.db)[0]!.status, 'cancelled');
  });

  it('a split import through the worker: the second half runs on the calling thread, rows in order, errors with their line', async (t) => {
    const env = makeEnv(t);
    const path = env.file('w.csv', csv(60_000));
    const handle = runImportInWorker(env.dbPath, path, PLAN, { fileName: 'w.csv', parallelMinBytes: 0, rebuildSearchIndex: false });
    const result = await handle.promise;
    assert.ok(result.phasesMs.copy !== undefined, `the second half's rows were copied: ${JSON.stringify(result.phasesMs)}`);
    assert.equal(result.rows, 60_000);
    assert.equal(result.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
    const ids = env.db.prepare('SELECT id FROM t ORDER BY rowid').pluck().all() as number[];
    assert.ok(ids.length === 60_000 && ids.every((id, i) => id === i + 1), 'rows in file order');
    assert.deepEqual(scratchFiles(env), []);

    const bad = env.file('wb.csv', csv(60_000, { 55_000: '55000x,oops' }));
    const failing = runImportInWorker(env.dbPath, bad, { ...PLAN, table: 'u' }, { fileName: 'wb.csv', parallelMinBytes: 0, rebuildSearchIndex: false });
    await assertImportError(failing.promise, 'CSV_TYPE_MISMATCH', { line: 55_001, column: 1 });
    assert.ok(!tableNames(env.db).includes('u'));
    assert.deepEqual(scratchFiles(env), []);
  });

  it('dropStaleStagingTables deletes the scratch files of imports that are not running, by either name', (t) => {
    const env = makeEnv(t);
    for (const stale of [scratchPath(env.dbPath, 'gone1', 0), scratchPath(env.dbPath, 'gone1', 1), `${env.dbPath}.import-gone2.scratch`]) {
      env.file(stale.slice(env.dir.length + 1), 'x');
    }
    const removed = dropStaleStagingTables(env.db);
    assert.equal(removed.filter((name) => name.endsWith('.scratch')).length, 3, JSON.stringify(removed));
    assert.deepEqual(scratchFiles(env), []);
  });
});
