// The two-thread import: the parse worker feeds batches to the inserting thread. Errors found on
// the parse side, cancels and insert-side failures must each leave nothing behind; the number of
// batches in flight must stay bounded when the insert side is the slow one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importRows } from '../../../src/csv-import/import-csv.js';
import { parseInWorker } from '../../../src/csv-import/parse-in-worker.js';
import { listImports } from '../../../src/csv-import/provenance.js';
import { previewCsv } from '../../../src/csv-import/preview.js';
import { runImportInWorker } from '../../../src/csv-import/run-import-in-worker.js';
import { writeLateMismatchCsv } from '../../fixtures/generate-large-inputs.js';
import { assertImportError, makeEnv, tableNames } from './test-support.js';

describe('parse worker → insert pipeline', () => {
  it('a type error found by the parse worker mid-file fails the whole import, with its line and column', async (t) => {
    const env = makeEnv(t);
    const path = join(env.dir, 'late.csv');
    await writeLateMismatchCsv(path, 200_000);
    const preview = await previewCsv(path, { scanRows: 1000 });
    const before = tableNames(env.db);
    let insertedBeforeError = 0;
    const handle = runImportInWorker(env.dbPath, path, preview.plan, {
      fileName: 'late.csv',
      progressIntervalMs: 0,
      onProgress: (p) => (insertedBeforeError = p.rows),
    });
    await assertImportError(handle.promise, 'CSV_TYPE_MISMATCH', { line: 200_002, column: 2 });
    assert.ok(insertedBeforeError > 0, 'batches were inserted before the parse side failed');
    assert.deepEqual(tableNames(env.db), before, 'no staging or partial table left');
    assert.equal(listImports(env.db)[0]!.status, 'failed');
  });

  it('aborting the signal mid-pipeline stops both threads and leaves no table', async (t) => {
    const env = makeEnv(t);
    const path = join(env.dir, 'big.csv');
    await writeLateMismatchCsv(path, 300_000);
    const preview = await previewCsv(path, { scanRows: 10 });
    const plan = { ...preview.plan, columns: preview.columns.map((c) => ({ ...c, type: 'text' as const })) };
    const before = tableNames(env.db);
    const controller = new AbortController();
    const handle = runImportInWorker(env.dbPath, path, plan, {
      fileName: 'big.csv',
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.rows > 10_000) controller.abort();
      },
    });
    await assertImportError(handle.promise, 'CSV_CANCELLED');
    assert.deepEqual(tableNames(env.db), before);
    assert.equal(listImports(env.db)[0]!.status, 'cancelled');
  });

  it('an insert-side failure terminates the parse worker and discards the staging table', async (t) => {
    const env = makeEnv(t);
    const path = join(env.dir, 'big.csv');
    await writeLateMismatchCsv(path, 100_000);
    const preview = await previewCsv(path, { scanRows: 10 });
    const plan = { ...preview.plan, columns: preview.columns.map((c) => ({ ...c, type: 'text' as const })) };
    const before = tableNames(env.db);
    const ctx = {
      fileName: 'big.csv',
      progressIntervalMs: 0,
      onProgress: (p: { rows: number }) => {
        if (p.rows > 5_000) throw new Error('disk on fire');
      },
    };
    await assertImportError(importRows(env.db, plan, ctx, parseInWorker(path)), 'CSV_INTERNAL');
    assert.deepEqual(tableNames(env.db), before);
    assert.equal(listImports(env.db)[0]!.status, 'failed');
  });

  it('keeps at most maxInFlight batches queued when inserting is slower than parsing', async (t) => {
    const env = makeEnv(t);
    const path = join(env.dir, 'many.csv');
    await writeLateMismatchCsv(path, 150_000);
    const preview = await previewCsv(path, { scanRows: 10 });
    const plan = { ...preview.plan, columns: preview.columns.map((c) => ({ ...c, type: 'text' as const })), table: 'many' };
    const seen: number[] = [];
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const ctx = {
      fileName: 'many.csv',
      progressIntervalMs: 0,
      // A deliberately slow insert side (30 ms per batch) so the parser gets ahead and must wait.
      onProgress: () => void Atomics.wait(pause, 0, 0, 30),
    };
    const result = await importRows(env.db, plan, ctx, parseInWorker(path, { maxInFlight: 2, observeInFlight: (n) => seen.push(n) }));
    // The last line ("150001,abc") is text here, so every row is imported.
    assert.equal(result.rows, 150_001);
    assert.equal(env.db.prepare('SELECT count(*) FROM many').pluck().get(), 150_001);
    assert.ok(seen.length > 5, `several batches (${seen.length})`);
    assert.equal(Math.max(...seen), 2, 'the parser reached the bound and never went past it');
  });
});
