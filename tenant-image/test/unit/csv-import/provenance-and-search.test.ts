import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { importCsv } from '../../../src/csv-import/import-csv.js';
import { neutraliseFormula } from '../../../src/csv-import/neutralise-formula.js';
import { listImports } from '../../../src/csv-import/provenance.js';
import { previewCsv } from '../../../src/csv-import/preview.js';
import { getSearchIndexInfo, isSearchIndexCurrent, rebuildSearchIndex, searchIndexName } from '../../../src/csv-import/search-index.js';
import { fixturePath } from '../../fixtures/generate-large-inputs.js';
import { assertImportError, makeEnv, tableNames, type TestEnv } from './test-support.js';

async function importText(env: TestEnv, name: string, content: string, mode: 'create' | 'append' | 'replace' = 'create') {
  const path = env.file(name, content);
  const preview = await previewCsv(path, { fileName: name });
  return importCsv(env.db, path, { ...preview.plan, table: 'docs', mode }, { fileName: name, actor: 'user-7' });
}

describe('provenance', () => {
  it('records file, size, sha256, options, column types, mode, rows, actor and times', async (t) => {
    const env = makeEnv(t);
    const path = fixturePath('utf8-bom-semicolon.csv');
    const preview = await previewCsv(path, { fileName: 'utf8-bom-semicolon.csv' });
    const result = await importCsv(env.db, path, { ...preview.plan, table: 'money' }, { fileName: 'money.csv', actor: 'user-7' });
    const [record] = listImports(env.db, 'money');
    assert.equal(listImports(env.db, 'other').length, 0);
    assert.equal(record!.id, result.importId);
    assert.equal(record!.status, 'succeeded');
    assert.equal(record!.fileName, 'money.csv');
    assert.equal(record!.fileBytes, statSync(path).size);
    assert.equal(record!.sha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
    assert.equal(record!.encoding, 'utf-8');
    assert.equal(record!.delimiter, ';');
    assert.deepEqual(record!.columns.map((c) => c.type), ['integer', 'real', 'text']);
    assert.equal(record!.mode, 'create');
    assert.equal(record!.rowsImported, 2);
    assert.equal(record!.actor, 'user-7');
    assert.ok(record!.startedAt <= record!.finishedAt!);
  });

  it('lists imports newest first, failed ones included', async (t) => {
    const env = makeEnv(t);
    await importText(env, 'a.csv', 'n\n1\n');
    await assertImportError(importText(env, 'b.csv', 'n\n2\n'), 'CSV_TABLE_EXISTS');
    await importText(env, 'c.csv', 'n\n3\n', 'append');
    assert.deepEqual(
      listImports(env.db).map((r) => [r.fileName, r.status, r.mode]),
      [
        ['c.csv', 'succeeded', 'append'],
        ['a.csv', 'succeeded', 'create'],
      ],
    );
  });
});

describe('search index', () => {
  it('indexes text columns in an external-content FTS5 table named _berth_fts_<table>', async (t) => {
    const env = makeEnv(t);
    await importText(env, 'a.csv', 'id,title,body,n\n1,Café society,about coffee,5\n2,Tea time,"about tea, not coffee",6\n3,Other,nothing,7\n');
    assert.equal(isSearchIndexCurrent(env.db, 'docs'), false);
    const info = await rebuildSearchIndex(env.db, 'docs', undefined, { batchRows: 2 });
    assert.equal(info!.ftsTable, '_berth_fts_docs');
    assert.equal(searchIndexName('docs'), '_berth_fts_docs');
    assert.deepEqual(info!.columns, ['title', 'body']);
    assert.equal(info!.rowsIndexed, 3);
    assert.equal(isSearchIndexCurrent(env.db, 'docs'), true);
    const search = (q: string): number[] =>
      env.db
        .prepare('SELECT d.id FROM docs d JOIN _berth_fts_docs f ON f.rowid = d.rowid WHERE _berth_fts_docs MATCH ? ORDER BY rank, d.id')
        .pluck()
        .all(q) as number[];
    assert.deepEqual(search('coffee'), [1, 2]);
    assert.deepEqual(search('cafe'), [1], 'diacritics folded');
    assert.deepEqual(search('title:tea'), [2]);
  });

  it('goes stale after another import and is current again after a rebuild', async (t) => {
    const env = makeEnv(t);
    await importText(env, 'a.csv', 'word\nalpha\n');
    await rebuildSearchIndex(env.db, 'docs');
    await importText(env, 'b.csv', 'word\nbeta\n', 'append');
    assert.equal(isSearchIndexCurrent(env.db, 'docs'), false);
    await rebuildSearchIndex(env.db, 'docs');
    assert.equal(isSearchIndexCurrent(env.db, 'docs'), true);
    assert.equal(getSearchIndexInfo(env.db, 'docs')!.rowsIndexed, 2);
    assert.equal(env.db.prepare("SELECT count(*) FROM _berth_fts_docs WHERE _berth_fts_docs MATCH 'beta'").pluck().get(), 1);
  });

  it('a table without text columns has nothing to index but is current', async (t) => {
    const env = makeEnv(t);
    await importText(env, 'a.csv', 'n,x\n1,2.5\n');
    const info = await rebuildSearchIndex(env.db, 'docs');
    assert.deepEqual(info!.columns, []);
    assert.equal(isSearchIndexCurrent(env.db, 'docs'), true);
    assert.ok(!tableNames(env.db).includes('_berth_fts_docs'));
  });

  it('a cancelled rebuild leaves no half-built index behind', async (t) => {
    const env = makeEnv(t);
    await importText(env, 'a.csv', 'word\n' + Array.from({ length: 50 }, (_, i) => `w${i}`).join('\n') + '\n');
    const before = tableNames(env.db);
    const controller = new AbortController();
    const run = rebuildSearchIndex(env.db, 'docs', controller.signal, { batchRows: 5 });
    controller.abort();
    await assertImportError(run, 'CSV_CANCELLED');
    assert.deepEqual(tableNames(env.db), before);
    assert.equal(isSearchIndexCurrent(env.db, 'docs'), false);
  });
});

describe('neutraliseFormula', () => {
  const cases: [string, string][] = [
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain', 'plain'],
    ['', ''],
    ['a=b', 'a=b'],
  ];
  for (const [cell, expected] of cases) {
    it(`${JSON.stringify(cell)} → ${JSON.stringify(expected)}`, () => assert.equal(neutraliseFormula(cell), expected));
  }
});

describe('read paths', () => {
  it('work on a read-only connection to a database that never imported anything', (t) => {
    const env = makeEnv(t);
    env.db.exec('DROP TABLE _berth_imports');
    const ro = new Database(env.dbPath, { readonly: true });
    t.after(() => ro.close());
    assert.deepEqual(listImports(ro), []);
    assert.equal(isSearchIndexCurrent(ro, 'x'), false);
  });
});
