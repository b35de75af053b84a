// An import started without column types (the API allows it) detects them itself, in the import
// worker, over the same first rows the review step looks at, while a split import's helper thread
// starts and waits for them. The result must be what review-then-import gives: the same types,
// every row, and on any failure nothing left behind.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ImportContext } from '../../../src/csv-import/import-csv.js';
import type { ImportPlan } from '../../../src/csv-import/import-plan.js';
import { DETECT_SCAN_ROWS, previewCsv } from '../../../src/csv-import/preview.js';
import { listImports } from '../../../src/csv-import/provenance.js';
import { runImportInWorker } from '../../../src/csv-import/run-import-in-worker.js';
import { assertImportError, importRecordingSplits, makeEnv, tableNames, type TestEnv } from './test-support.js';

/** Columns as the header-only look of the request thread gives them: types are placeholders. */
const PLAN: ImportPlan = {
  table: 't',
  mode: 'create',
  encoding: 'utf-8',
  delimiter: ',',
  columns: ['id', 'price', 'day', 'note'].map((h) => ({ name: h, header: h, type: 'text' as const })),
};

function csv(rows: number, replace: Record<number, string> = {}): string {
  const lines = ['id,price,day,note'];
  for (let i = 1; i <= rows; i++) lines.push(replace[i] ?? `${i},${i}.25,2024-01-${String(1 + (i % 28)).padStart(2, '0')},note ${i}`);
  return `${lines.join('\n')}\n`;
}

function scratchFiles(env: TestEnv): string[] {
  return readdirSync(env.dir).filter((n) => n.endsWith('.scratch'));
}

const declaredTypes = (env: TestEnv): string[] =>
  (env.db.prepare("SELECT type FROM pragma_table_info('t') ORDER BY cid").pluck().all() as string[]);

function importDetecting(env: TestEnv, path: string, ctx: Partial<ImportContext> = {}, plan: ImportPlan = PLAN) {
  return importRecordingSplits(env, path, plan, { detectTypes: true, ...ctx });
}

describe('import with type detection', () => {
  it('detects the types the review step would, on a split file, and imports every row', async (t) => {
    const env = makeEnv(t);
    const path = env.file('a.csv', csv(4000));
    const { result, splits } = await importDetecting(env, path);
    assert.deepEqual(splits, [true], 'the file was split and the helper waited for the types');
    const reviewed = await previewCsv(path);
    assert.deepEqual(result.columns.map((c) => c.type), reviewed.columns.map((c) => c.type));
    assert.deepEqual(result.columns.map((c) => c.type), ['integer', 'real', 'date', 'text']);
    assert.deepEqual(declaredTypes(env), ['INTEGER', 'REAL', 'DATE', 'TEXT']);
    assert.equal(result.rows, 4000);
    assert.equal(env.db.prepare('SELECT count(*) FROM t WHERE typeof(id) = ? AND typeof(price) = ?').pluck().get('integer', 'real'), 4000);
    assert.equal(env.db.prepare('SELECT sum(id) FROM t').pluck().get(), (4000 * 4001) / 2);
    assert.ok(typeof result.phasesMs.detect === 'number', 'the detection time is reported');
    assert.deepEqual(listImports(env.db)[0]!.columns.map((c) => c.type), ['integer', 'real', 'date', 'text']);
    assert.deepEqual(scratchFiles(env), []);
  });

  it('detects without a split too (small file, one thread)', async (t) => {
    const env = makeEnv(t);
    const path = env.file('small.csv', csv(50, { 7: '7,,2024-02-30,x' }));
    const { result, splits } = await importDetecting(env, path, { parallelMinBytes: Infinity });
    assert.deepEqual(splits, []);
    // An empty cell decides nothing; 2024-02-30 is no calendar day, so that column is text.
    assert.deepEqual(result.columns.map((c) => c.type), ['integer', 'real', 'text', 'text']);
    assert.equal(result.rows, 50);
  });

  it('a value past the detected rows that does not fit fails with its line and column, and nothing remains', async (t) => {
    const env = makeEnv(t);
    const bad = DETECT_SCAN_ROWS + 500;
    const path = env.file('late.csv', csv(DETECT_SCAN_ROWS + 1000, { [bad]: `${bad},n/a,2024-01-01,x` }));
    await assertImportError(importDetecting(env, path), 'CSV_TYPE_MISMATCH', { line: bad + 1, column: 2 });
    assert.deepEqual(tableNames(env.db), env.schemaTables);
    assert.deepEqual(scratchFiles(env), []);
    assert.equal(listImports(env.db)[0]!.status, 'failed');
  });

  it('an error among the detected rows stops both threads; the import is recorded as failed', async (t) => {
    const env = makeEnv(t);
    const path = env.file('ragged.csv', csv(4000, { 4: '4,1.5' }));
    await assertImportError(importDetecting(env, path), 'CSV_RAGGED_ROW', { line: 5 });
    assert.deepEqual(tableNames(env.db), env.schemaTables);
    assert.deepEqual(scratchFiles(env), []);
    assert.equal(listImports(env.db)[0]!.status, 'failed');
  });

  it('a header that is not the planned one is refused before anything is imported', async (t) => {
    const env = makeEnv(t);
    const path = env.file('other.csv', csv(4000).replace('id,price', 'key,price'));
    await assertImportError(importDetecting(env, path), 'CSV_HEADER_CHANGED', { line: 1 });
    assert.deepEqual(tableNames(env.db), env.schemaTables);
    assert.deepEqual(scratchFiles(env), []);
  });

  it('append takes the existing table’s types, not detected ones', async (t) => {
    const env = makeEnv(t);
    env.db.exec('CREATE TABLE t (id TEXT, price TEXT, day TEXT, note TEXT)');
    const path = env.file('more.csv', csv(3000));
    const { result } = await importDetecting(env, path, {}, { ...PLAN, mode: 'append' });
    assert.deepEqual(result.columns.map((c) => c.type), ['text', 'text', 'text', 'text']);
    assert.equal(env.db.prepare("SELECT count(*) FROM t WHERE typeof(id) = 'text'").pluck().get(), 3000);
  });

  it('in the worker, cancel during detection leaves nothing', async (t) => {
    const env = makeEnv(t);
    const path = env.file('big.csv', csv(60_000));
    const handle = runImportInWorker(env.dbPath, path, PLAN, { fileName: 'big.csv', detectTypes: true, parallelMinBytes: 0 });
    handle.cancel();
    await assertImportError(handle.promise, 'CSV_CANCELLED');
    assert.deepEqual(tableNames(env.db), env.schemaTables);
    assert.deepEqual(scratchFiles(env), []);
  });
});
