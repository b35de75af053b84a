import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { importCsv } from '../../../src/csv-import/import-csv.js';
import type { ImportPlan } from '../../../src/csv-import/import-plan.js';
import { listImports } from '../../../src/csv-import/provenance.js';
import { previewCsv } from '../../../src/csv-import/preview.js';
import { writeLateMismatchCsv } from '../../fixtures/generate-large-inputs.js';
import { assertImportError, makeEnv, tableNames, type TestEnv } from './test-support.js';

async function planFor(env: TestEnv, name: string, content: string, table = 'items'): Promise<{ path: string; plan: ImportPlan }> {
  const path = env.file(name, content);
  const preview = await previewCsv(path, { fileName: name });
  return { path, plan: { ...preview.plan, table } };
}

describe('importCsv modes', () => {
  it('create makes a typed table and refuses an existing name', async (t) => {
    const env = makeEnv(t);
    const { path, plan } = await planFor(env, 'a.csv', 'id,code,price,day\n1,007,1.5,2024-01-01\n2,010,,2024-01-02\n');
    const result = await importCsv(env.db, path, plan, { fileName: 'a.csv', actor: 'u1' });
    assert.equal(result.rows, 2);
    assert.deepEqual(env.db.prepare('SELECT * FROM items ORDER BY rowid').all(), [
      { id: 1, code: '007', price: 1.5, day: '2024-01-01' },
      { id: 2, code: '010', price: null, day: '2024-01-02' },
    ]);
    assert.deepEqual(env.db.prepare("SELECT name, type FROM pragma_table_info('items')").all(), [
      { name: 'id', type: 'INTEGER' },
      { name: 'code', type: 'TEXT' },
      { name: 'price', type: 'REAL' },
      { name: 'day', type: 'DATE' },
    ]);
    assert.equal(env.db.inTransaction, false, 'every batch and the final step committed');
    const other = new Database(env.dbPath, { readonly: true });
    t.after(() => other.close());
    assert.equal(other.prepare('SELECT count(*) FROM items').pluck().get(), 2, 'visible to another connection');
    const before = tableNames(env.db);
    await assertImportError(importCsv(env.db, path, plan, { fileName: 'a.csv' }), 'CSV_TABLE_EXISTS');
    assert.deepEqual(tableNames(env.db), before);
  });

  it('append adds rows to a compatible table, stored in the table’s types', async (t) => {
    const env = makeEnv(t);
    const first = await planFor(env, 'a.csv', 'id,name,score\n1,ann,1.5\n');
    await importCsv(env.db, first.path, first.plan, { fileName: 'a.csv' });
    // Columns in another order, score detected as integer here: fits the table's real column.
    const second = await planFor(env, 'b.csv', 'name,id,score\nbob,2,3\n');
    const result = await importCsv(env.db, second.path, { ...second.plan, mode: 'append' }, { fileName: 'b.csv' });
    assert.equal(result.rows, 1);
    assert.deepEqual(env.db.prepare('SELECT id, name, score, typeof(score) AS t FROM items ORDER BY rowid').all(), [
      { id: 1, name: 'ann', score: 1.5, t: 'real' },
      { id: 2, name: 'bob', score: 3, t: 'real' },
    ]);
  });

  it('append lists every difference when the columns do not match', async (t) => {
    const env = makeEnv(t);
    const first = await planFor(env, 'a.csv', 'id,name,score\n1,ann,1\n');
    await importCsv(env.db, first.path, first.plan, { fileName: 'a.csv' });
    const second = await planFor(env, 'b.csv', 'id,nickname,score\nx,bob,2.5\n');
    const before = env.db.prepare('SELECT count(*) FROM items').pluck().get();
    const err = await assertImportError(
      importCsv(env.db, second.path, { ...second.plan, mode: 'append' }, { fileName: 'b.csv' }),
      'CSV_APPEND_INCOMPATIBLE',
    );
    assert.deepEqual(err.details?.differences, [
      'column "id" is text in the file but integer in the table',
      'the file\'s column "nickname" is not in the table',
      'column "score" is real in the file but integer in the table',
      'the table\'s column "name" is missing from the file',
    ]);
    assert.equal(env.db.prepare('SELECT count(*) FROM items').pluck().get(), before);
  });

  it('append to a missing table is CSV_TABLE_NOT_FOUND', async (t) => {
    const env = makeEnv(t);
    const { path, plan } = await planFor(env, 'a.csv', 'id\n1\n');
    await assertImportError(importCsv(env.db, path, { ...plan, mode: 'append' }, { fileName: 'a.csv' }), 'CSV_TABLE_NOT_FOUND');
  });

  it('replace swaps the table’s contents and shape', async (t) => {
    const env = makeEnv(t);
    const first = await planFor(env, 'a.csv', 'id,name\n1,ann\n2,bob\n');
    await importCsv(env.db, first.path, first.plan, { fileName: 'a.csv' });
    const second = await planFor(env, 'b.csv', 'code,when\n007,2024-05-01\n');
    await importCsv(env.db, second.path, { ...second.plan, mode: 'replace' }, { fileName: 'b.csv' });
    assert.deepEqual(env.db.prepare('SELECT * FROM items').all(), [{ code: '007', when: '2024-05-01' }]);
  });

  it('lets the user override a detected type', async (t) => {
    const env = makeEnv(t);
    const { path, plan } = await planFor(env, 'a.csv', 'zip\n12345\n54321\n');
    assert.equal(plan.columns[0]!.type, 'integer');
    await importCsv(env.db, path, { ...plan, columns: [{ ...plan.columns[0]!, type: 'text', name: 'postcode' }] }, { fileName: 'a.csv' });
    assert.deepEqual(env.db.prepare('SELECT postcode, typeof(postcode) AS t FROM items').all(), [
      { postcode: '12345', t: 'text' },
      { postcode: '54321', t: 'text' },
    ]);
  });

  it('rejects an unacceptable plan, listing every problem', async (t) => {
    const env = makeEnv(t);
    const { path, plan } = await planFor(env, 'a.csv', 'a,b\n1,2\n');
    const bad = { ...plan, table: '_berth_imports', columns: [{ ...plan.columns[0]!, name: 'B' }, plan.columns[1]!] };
    const err = await assertImportError(importCsv(env.db, path, bad, { fileName: 'a.csv' }), 'CSV_INVALID_PLAN');
    assert.equal((err.details?.problems as string[]).length, 2);
  });

  it('refuses a file whose header changed since the review', async (t) => {
    const env = makeEnv(t);
    const { path, plan } = await planFor(env, 'a.csv', 'a,b\n1,2\n');
    env.file('a.csv', 'a,c\n1,2\n');
    await assertImportError(importCsv(env.db, path, plan, { fileName: 'a.csv' }), 'CSV_HEADER_CHANGED', { line: 1 });
  });
});

describe('importCsv all-or-nothing', () => {
  it('validates rows past the preview prefix and fails whole, naming line, column, value and the fix', async (t) => {
    const env = makeEnv(t);
    const path = `${env.dir}/late.csv`;
    await writeLateMismatchCsv(path, 60_000);
    const preview = await previewCsv(path, { scanRows: 1000 });
    assert.equal(preview.stats.scannedWholeFile, false);
    assert.equal(preview.columns[1]!.type, 'integer');
    const before = tableNames(env.db);
    const err = await assertImportError(importCsv(env.db, path, preview.plan, { fileName: 'late.csv' }), 'CSV_TYPE_MISMATCH', {
      line: 60_002,
      column: 2,
      message: /"abc".*Change the column type to text/,
    });
    assert.equal(err.status, 422);
    assert.deepEqual(tableNames(env.db), before, 'no staging or partial table left');
    const [record] = listImports(env.db);
    assert.equal(record!.status, 'failed');
    assert.equal(record!.errorCode, 'CSV_TYPE_MISMATCH');
  });

  it('a failed append or replace leaves the existing table untouched', async (t) => {
    const env = makeEnv(t);
    const good = await planFor(env, 'a.csv', 'id,n\n1,10\n2,20\n');
    await importCsv(env.db, good.path, good.plan, { fileName: 'a.csv' });
    const bad = env.file('bad.csv', 'id,n\n3,30\n4,oops\n');
    const snapshot = env.db.prepare('SELECT * FROM items ORDER BY rowid').all();
    const tables = tableNames(env.db);
    for (const mode of ['append', 'replace'] as const) {
      await assertImportError(importCsv(env.db, bad, { ...good.plan, mode }, { fileName: 'bad.csv' }), 'CSV_TYPE_MISMATCH', { line: 3 });
      assert.deepEqual(env.db.prepare('SELECT * FROM items ORDER BY rowid').all(), snapshot);
      assert.deepEqual(tableNames(env.db), tables);
    }
  });

  it('a cancelled import writes nothing and is recorded as cancelled', async (t) => {
    const env = makeEnv(t);
    const path = `${env.dir}/big.csv`;
    await writeLateMismatchCsv(path, 200_000);
    const preview = await previewCsv(path, { scanRows: 100 });
    const plan = { ...preview.plan, columns: preview.columns.map((c) => ({ ...c, type: 'text' as const })) };
    const before = tableNames(env.db);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = importCsv(env.db, path, plan, {
      fileName: 'big.csv',
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        seen.push(p.rows);
        if (p.rows > 50_000) controller.abort();
      },
    });
    await assertImportError(run, 'CSV_CANCELLED');
    assert.ok(seen.length > 1 && seen.at(-1)! > 50_000, 'rows were being written before the cancel');
    assert.deepEqual(tableNames(env.db), before);
    assert.equal(listImports(env.db)[0]!.status, 'cancelled');
  });

  it('reports progress with rows and bytes, at most every interval', async (t) => {
    const env = makeEnv(t);
    const path = `${env.dir}/p.csv`;
    await writeLateMismatchCsv(path, 100_000);
    const preview = await previewCsv(path);
    const plan = { ...preview.plan, columns: preview.columns.map((c) => ({ ...c, type: 'text' as const })) };
    const events: { rows: number; bytesRead: number; totalBytes: number; at: number }[] = [];
    const result = await importCsv(env.db, path, plan, {
      fileName: 'p.csv',
      onProgress: (p) => events.push({ ...p, at: performance.now() }),
    });
    const last = events.at(-1)!;
    assert.equal(last.rows, result.rows);
    assert.equal(last.bytesRead, last.totalBytes);
    for (let i = 1; i < events.length - 1; i++) assert.ok(events[i]!.at - events[i - 1]!.at >= 99);
  });
});
