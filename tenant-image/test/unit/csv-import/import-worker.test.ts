import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ImportError } from '../../../src/csv-import/import-errors.js';
import { listImports } from '../../../src/csv-import/provenance.js';
import { previewCsv } from '../../../src/csv-import/preview.js';
import { runImportInWorker } from '../../../src/csv-import/run-import-in-worker.js';
import { isSearchIndexCurrent } from '../../../src/csv-import/search-index.js';
import { dropStaleStagingTables, stagingTableName } from '../../../src/csv-import/staging.js';
import { insertStartedImport } from '../../../src/csv-import/provenance.js';
import { writeLateMismatchCsv } from '../../fixtures/generate-large-inputs.js';
import { makeEnv, tableNames } from './test-support.js';

describe('runImportInWorker', () => {
  it('imports on its own connection, reports progress, then rebuilds the search index', async (t) => {
    const env = makeEnv(t);
    const path = env.file('w.csv', 'id,name\n' + Array.from({ length: 5000 }, (_, i) => `${i},name ${i}`).join('\n') + '\n');
    const preview = await previewCsv(path);
    const progress: number[] = [];
    const handle = runImportInWorker(env.dbPath, path, { ...preview.plan, table: 'people' }, {
      fileName: 'w.csv',
      actor: 'u',
      onProgress: (p) => progress.push(p.rows),
    });
    const result = await handle.promise;
    assert.equal(result.rows, 5000);
    assert.equal(progress.at(-1), 5000);
    const info = await handle.indexed;
    assert.equal(info!.ftsTable, '_berth_fts_people');
    assert.equal(env.db.prepare('SELECT count(*) FROM people').pluck().get(), 5000);
    assert.equal(isSearchIndexCurrent(env.db, 'people'), true);
  });

  it('passes ImportErrors across the thread boundary with code, line and column', async (t) => {
    const env = makeEnv(t);
    const path = env.file('bad.csv', 'a,b\n1,2\n3\n');
    const preview = await previewCsv(path, { scanRows: 1 });
    const handle = runImportInWorker(env.dbPath, path, preview.plan, { fileName: 'bad.csv' });
    await assert.rejects(handle.promise, (e: unknown) => e instanceof ImportError && e.code === 'CSV_RAGGED_ROW' && e.line === 3);
  });

  it('cancel() stops the import and leaves nothing behind', async (t) => {
    const env = makeEnv(t);
    const path = join(env.dir, 'big.csv');
    await writeLateMismatchCsv(path, 400_000);
    const preview = await previewCsv(path, { scanRows: 10 });
    const plan = { ...preview.plan, columns: preview.columns.map((c) => ({ ...c, type: 'text' as const })) };
    const before = tableNames(env.db);
    const handle = runImportInWorker(env.dbPath, path, plan, {
      fileName: 'big.csv',
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.rows > 20_000) handle.cancel();
      },
    });
    await assert.rejects(handle.promise, (e: unknown) => e instanceof ImportError && e.code === 'CSV_CANCELLED');
    assert.deepEqual(tableNames(env.db), before);
    assert.equal(listImports(env.db)[0]!.status, 'cancelled');
  });
});

describe('dropStaleStagingTables', () => {
  it('drops staging tables of dead imports, keeps those still beating, marks the dead interrupted', (t) => {
    const env = makeEnv(t);
    const now = new Date('2030-01-01T00:00:00Z');
    const start = (id: string, at: Date): void => {
      insertStartedImport(env.db, {
        id,
        tableName: 't',
        mode: 'create',
        fileName: 'f.csv',
        encoding: 'utf-8',
        delimiter: ',',
        columns: [],
        actor: null,
        startedAt: at.toISOString(),
      });
      env.db.exec(`CREATE TABLE "${stagingTableName(id)}" (a)`);
    };
    start('dead1', new Date(now.getTime() - 10 * 60_000));
    start('live1', new Date(now.getTime() - 5_000));
    env.db.exec(`CREATE TABLE "${stagingTableName('orphan1')}" (a)`);
    const dropped = dropStaleStagingTables(env.db, { now, staleAfterMs: 60_000 });
    assert.deepEqual(dropped.sort(), ['_berth_import_dead1', '_berth_import_orphan1']);
    assert.ok(tableNames(env.db).includes('_berth_import_live1'));
    const status = Object.fromEntries(listImports(env.db).map((r) => [r.id, r.status]));
    assert.deepEqual(status, { dead1: 'interrupted', live1: 'running' });
  });
});
