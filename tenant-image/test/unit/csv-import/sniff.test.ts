import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { previewCsv } from '../../../src/csv-import/preview.js';
import { sniffDelimiter } from '../../../src/csv-import/sniff-delimiter.js';
import { sniffEncoding } from '../../../src/csv-import/sniff-encoding.js';
import { fixturePath } from '../../fixtures/generate-large-inputs.js';
import { makeEnv } from './test-support.js';

describe('sniffEncoding', () => {
  const cases: [string, string, boolean][] = [
    ['mixed-types.csv', 'utf-8', false],
    ['utf8-bom-semicolon.csv', 'utf-8', true],
    ['utf16le-bom.csv', 'utf-16le', true],
    ['utf16be-bom.csv', 'utf-16be', true],
    ['windows-1252.csv', 'windows-1252', false],
    ['invalid-utf8.csv', 'windows-1252', false],
  ];
  for (const [file, encoding, hasBom] of cases) {
    it(`${file} → ${encoding}${hasBom ? ' with BOM' : ''}`, () => {
      assert.deepEqual(sniffEncoding(readFileSync(fixturePath(file))), { encoding, hasBom });
    });
  }

  it('recognises BOM-less UTF-16 by its zero bytes', () => {
    assert.equal(sniffEncoding(Buffer.from('id,name\n1,x\n', 'utf16le')).encoding, 'utf-16le');
    assert.equal(sniffEncoding(Buffer.from('id,name\n1,x\n', 'utf16le').swap16()).encoding, 'utf-16be');
  });

  it('does not mistake a UTF-8 sequence cut at the sample boundary for Windows-1252', () => {
    const bytes = Buffer.from('a,b\n1,é', 'utf8');
    assert.equal(sniffEncoding(bytes.subarray(0, bytes.length - 1)).encoding, 'utf-8');
  });
});

describe('sniffDelimiter', () => {
  const cases: [string, string][] = [
    ['a,b,c\n1,2,3\n4,5,6\n', ','],
    ['a;b;c\n1,5;2;3\n4;5,5;6\n', ';'],
    ['a\tb\n1,2\t3\n', '\t'],
    ['a|b|c\n1|2|3\n', '|'],
    ['"x,y";b\n"1,2";3\n"5,6";7\n', ';'],
    ['single\n1\n2\n', ','],
  ];
  for (const [sample, expected] of cases) {
    it(`${JSON.stringify(sample.slice(0, 12))}… → ${JSON.stringify(expected)}`, () => {
      assert.equal(sniffDelimiter(sample, true), expected);
    });
  }
});

describe('previewCsv sniffing and overrides', () => {
  const cases: [string, string, string][] = [
    ['utf8-bom-semicolon.csv', 'utf-8', ';'],
    ['utf16le-bom.csv', 'utf-16le', ','],
    ['utf16be-bom.csv', 'utf-16be', ','],
    ['windows-1252.csv', 'windows-1252', ';'],
    ['tab-separated.tsv', 'utf-8', '\t'],
    ['pipe-separated.csv', 'utf-8', '|'],
  ];
  for (const [file, encoding, delimiter] of cases) {
    it(`${file}: ${encoding}, ${JSON.stringify(delimiter)}`, async () => {
      const p = await previewCsv(fixturePath(file));
      assert.equal(p.encoding, encoding);
      assert.equal(p.delimiter, delimiter);
      assert.ok(p.columns.length >= 2);
      assert.ok(p.rows.length >= 2);
    });
  }

  it('decodes UTF-16 text including characters outside the BMP', async () => {
    const p = await previewCsv(fixturePath('utf16le-bom.csv'));
    assert.deepEqual(p.rows, [['1', 'été'], ['2', '😀 smile']]);
    assert.equal(p.columns[0]!.header, 'id', 'BOM is not part of the first header');
    const be = await previewCsv(fixturePath('utf16be-bom.csv'));
    assert.deepEqual(be.rows, p.rows);
  });

  it('decodes Windows-1252 punctuation', async () => {
    const p = await previewCsv(fixturePath('windows-1252.csv'));
    assert.deepEqual(p.rows[1], ['2', '“quoted” – dash', 'Zürich']);
  });

  it('uses the user’s encoding and delimiter over the sniffed ones', async (t) => {
    const env = makeEnv(t);
    const path = env.file('x.csv', 'a;b;c,d\n1;2;3,4\n');
    const sniffed = await previewCsv(path);
    assert.equal(sniffed.delimiter, ';');
    const forced = await previewCsv(path, { delimiter: ',' });
    assert.equal(forced.delimiter, ',');
    assert.equal(forced.delimiterSniffed, false);
    assert.deepEqual(forced.columns.map((c) => c.header), ['a;b;c', 'd']);
    const latin = await previewCsv(path, { encoding: 'windows-1252' });
    assert.equal(latin.encoding, 'windows-1252');
  });
});
