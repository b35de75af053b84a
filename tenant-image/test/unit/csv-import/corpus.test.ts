// Every bad-input file ends in a correct table or a clear ImportError — never a crash, never a
// partial table (the table list is unchanged after every failure).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importCsv } from '../../../src/csv-import/import-csv.js';
import type { ImportErrorCode } from '../../../src/csv-import/import-errors.js';
import type { Encoding, ImportLimits } from '../../../src/csv-import/import-plan.js';
import { previewCsv } from '../../../src/csv-import/preview.js';
import { feedCsvIntoFifo, fixturePath, makeFifo, writeLargeFieldCsv, writeWideCsv } from '../../fixtures/generate-large-inputs.js';
import { assertImportError, makeEnv, tableNames, type TestEnv } from './test-support.js';

async function importFile(env: TestEnv, path: string, opts: { encoding?: Encoding; limits?: Partial<ImportLimits> } = {}) {
  const preview = await previewCsv(path, { encoding: opts.encoding, limits: opts.limits });
  return importCsv(env.db, path, { ...preview.plan, table: 't' }, { fileName: 'f.csv', limits: opts.limits });
}

const FAILURES: [string, ImportErrorCode, { line?: number; column?: number }, Encoding?][] = [
  ['ragged-row.csv', 'CSV_RAGGED_ROW', { line: 3 }],
  ['unterminated-quote.csv', 'CSV_UNTERMINATED_QUOTE', { line: 2, column: 2 }],
  ['nul-byte.csv', 'CSV_NUL_BYTE', { line: 3, column: 2 }],
  ['empty.csv', 'CSV_EMPTY_FILE', {}],
  ['bom-only.csv', 'CSV_EMPTY_FILE', {}],
  ['invalid-utf8.csv', 'CSV_INVALID_ENCODING', { line: 3, column: 2 }, 'utf-8'],
];

describe('bad-input corpus', () => {
  for (const [file, code, where, encoding] of FAILURES) {
    it(`${file}${encoding ? ` (${encoding} chosen)` : ''} → ${code}`, async (t) => {
      const env = makeEnv(t);
      const before = tableNames(env.db);
      const err = await assertImportError(() => importFile(env, fixturePath(file), { encoding }), code, where);
      assert.ok(err.message.length > 20);
      assert.deepEqual(tableNames(env.db), before);
    });
  }

  it('invalid-utf8.csv with the sniffed encoding (Windows-1252) imports', async (t) => {
    const env = makeEnv(t);
    const result = await importFile(env, fixturePath('invalid-utf8.csv'));
    assert.equal(result.rows, 3);
    assert.equal(env.db.prepare('SELECT name FROM t WHERE id = 2').pluck().get(), 'naïve');
  });

  it('header-only.csv → an empty table with the header’s columns', async (t) => {
    const env = makeEnv(t);
    const result = await importFile(env, fixturePath('header-only.csv'));
    assert.equal(result.rows, 0);
    assert.deepEqual(env.db.prepare("SELECT name, type FROM pragma_table_info('t')").all(), [
      { name: 'id', type: 'TEXT' },
      { name: 'name', type: 'TEXT' },
      { name: 'price', type: 'TEXT' },
    ]);
  });

  it('duplicate-blank-headers.csv → unique safe names, original headers kept', async (t) => {
    const env = makeEnv(t);
    const result = await importFile(env, fixturePath('duplicate-blank-headers.csv'));
    assert.deepEqual(
      result.columns.map((c) => [c.name, c.header]),
      [
        ['name', 'Name'],
        ['name_2', 'name'],
        ['column_3', ''],
        ['name_3', 'NAME '],
        ['column_5', ' '],
        ['c_rowid', 'rowid'],
        ['c_2019', '2019'],
        ['prix', 'Prix (€)'],
      ],
    );
    assert.equal(env.db.prepare('SELECT count(*) FROM t').pluck().get(), 1);
  });

  it('formulas.csv → cells stored exactly as written', async (t) => {
    const env = makeEnv(t);
    await importFile(env, fixturePath('formulas.csv'));
    assert.deepEqual(env.db.prepare('SELECT cell FROM t ORDER BY id').pluck().all(), ['=SUM(A1:A2)', '+1+2', '-3', '@cmd', '\tTAB', 'plain']);
  });

  it('quoted-multiline-crlf.csv → quotes, line breaks and CRLF handled', async (t) => {
    const env = makeEnv(t);
    await importFile(env, fixturePath('quoted-multiline-crlf.csv'));
    assert.deepEqual(env.db.prepare('SELECT * FROM t ORDER BY id').all(), [
      { id: 1, text: 'line one\r\nline two', n: 5 },
      { id: 2, text: 'say "hi"', n: 6 },
      { id: 3, text: 'plain', n: 7 },
    ]);
  });

  it('mixed-types.csv → one type per rule', async (t) => {
    const env = makeEnv(t);
    const result = await importFile(env, fixturePath('mixed-types.csv'));
    assert.deepEqual(
      result.columns.map((c) => `${c.name}:${c.type}`),
      ['int:integer', 'real:real', 'date:date', 'datetime:datetime', 'zero_padded:text', 'big:text', 'mixed:text', 'empty:text', 'neg:real'],
    );
    assert.equal(env.db.prepare('SELECT count(*) FROM t WHERE int IS NULL AND empty IS NULL').pluck().get(), 1);
  });

  for (const file of ['windows-1252.csv', 'utf16le-bom.csv', 'utf16be-bom.csv', 'utf8-bom-semicolon.csv', 'tab-separated.tsv', 'pipe-separated.csv']) {
    it(`${file} → a table`, async (t) => {
      const env = makeEnv(t);
      const result = await importFile(env, fixturePath(file));
      assert.equal(result.rows, 2);
      assert.equal(env.db.prepare('SELECT count(*) FROM t').pluck().get(), 2);
    });
  }

  it('a 10 MB field → CSV_FIELD_TOO_LARGE at the default 1 MiB limit; imports when the limit allows it', async (t) => {
    const env = makeEnv(t);
    const path = join(env.dir, 'field.csv');
    writeLargeFieldCsv(path, 10 * 1024 * 1024);
    const before = tableNames(env.db);
    await assertImportError(() => importFile(env, path), 'CSV_FIELD_TOO_LARGE', { line: 3, column: 2 });
    assert.deepEqual(tableNames(env.db), before);
    const result = await importFile(env, path, { limits: { maxFieldBytes: 11 * 1024 * 1024 } });
    assert.equal(result.rows, 3);
    assert.equal(env.db.prepare('SELECT length(blob) FROM t WHERE id = 2').pluck().get(), 10 * 1024 * 1024);
  });

  it('5,000 columns → CSV_TOO_MANY_COLUMNS at the default limit; SQLite’s 2,000 caps any limit', async (t) => {
    const env = makeEnv(t);
    const path = join(env.dir, 'wide.csv');
    writeWideCsv(path, 5000);
    await assertImportError(() => importFile(env, path), 'CSV_TOO_MANY_COLUMNS', { line: 1 });
    await assertImportError(() => importFile(env, path, { limits: { maxColumns: 10_000 } }), 'CSV_TOO_MANY_COLUMNS', { line: 1 });
    writeWideCsv(path, 1500);
    const result = await importFile(env, path, { limits: { maxColumns: 2000 } });
    assert.equal(result.columns.length, 1500);
    assert.equal(env.db.prepare('SELECT c1500 FROM t LIMIT 1').pluck().get(), 1499);
  });

  it('a file over the size limit is refused before reading', async (t) => {
    const env = makeEnv(t);
    const path = env.file('big.csv', 'a\n' + '1\n'.repeat(1000));
    const preview = await previewCsv(path);
    await assertImportError(
      importCsv(env.db, path, preview.plan, { fileName: 'big.csv', limits: { maxFileBytes: 1000 } }),
      'CSV_FILE_TOO_LARGE',
    );
  });

  it('a 2 GB upload streamed through a pipe stops at the size limit without writing anything', async (t) => {
    const env = makeEnv(t);
    const fifo = join(env.dir, 'upload.fifo');
    makeFifo(fifo);
    const plan = {
      table: 't',
      mode: 'create' as const,
      encoding: 'utf-8' as const,
      delimiter: ',' as const,
      columns: [
        { name: 'id', header: 'id', type: 'integer' as const },
        { name: 'text', header: 'text', type: 'text' as const },
      ],
    };
    const before = tableNames(env.db);
    const limit = 8 * 1024 * 1024;
    const feeding = feedCsvIntoFifo(fifo, 2 * 1024 ** 3);
    await assertImportError(importCsv(env.db, fifo, plan, { fileName: 'upload.csv', limits: { maxFileBytes: limit } }), 'CSV_FILE_TOO_LARGE', {
      message: /reached at line \d+/,
    });
    const written = await feeding;
    assert.ok(written < 64 * 1024 * 1024, `generator stopped early (wrote ${written} bytes)`);
    assert.deepEqual(tableNames(env.db), before);
  });

  it('a row limit stops the import with the line', async (t) => {
    const env = makeEnv(t);
    const path = env.file('rows.csv', 'a\n1\n2\n3\n');
    await assertImportError(() => importFile(env, path, { limits: { maxRows: 2 } }), 'CSV_TOO_MANY_ROWS', { line: 4 });
  });
});
