// The tokenizer is checked against csv-parse (the reference parser) on tricky inputs, and for
// giving the same records however the input is split into chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CsvTokenizer } from '../../../src/csv-import/csv-tokenizer.js';
import { ImportError } from '../../../src/csv-import/import-errors.js';

function tokenize(text: string, chunkSize = text.length || 1, delimiter = ','): { records: string[][]; lines: number[] } {
  const records: string[][] = [];
  const lines: number[] = [];
  const sink = (fields: string[], count: number, line: number): void => {
    records.push(fields.slice(0, count));
    lines.push(line);
  };
  const tokenizer = new CsvTokenizer(delimiter, { maxFieldChars: 1 << 20, maxFields: 1000 });
  for (let i = 0; i < text.length; i += chunkSize) tokenizer.push(text.slice(i, i + chunkSize), sink);
  tokenizer.end(sink);
  return { records, lines };
}

const SAMPLES = [
  'a,b,c\n1,2,3\n',
  'a,b,c\n1,2,3',
  'a,b\r\n1,2\r\n3,4\r\n',
  'a,b\n"x, y","say ""hi"""\n',
  'a,b\n"line1\nline2",z\n"",""\n',
  'a,b\n,\n,x\n',
  'a,b\n\n1,2\n\n\n3,4\n',
  'a,b\r\n"q"\r\n',
  'h\n"a""b"\n""""\n',
  'a,b\r\n1,"multi\r\nline with ""quotes"", and commas"\r\n',
  'é,ü\n😀,"ß\n€"\n',
];

describe('CsvTokenizer', () => {
  for (const sample of SAMPLES) {
    it(`matches csv-parse on ${JSON.stringify(sample).slice(0, 40)}`, () => {
      const expected = parse(sample, { relax_column_count: true, skip_empty_lines: true }) as string[][];
      for (const chunk of [1, 2, 3, 7, sample.length]) {
        assert.deepEqual(tokenize(sample, chunk).records, expected, `chunk size ${chunk}`);
      }
    });
  }

  it('reports the physical line each record starts on', () => {
    const { lines } = tokenize('a,b\n"1\n2",x\n\n3,4\n', 3);
    assert.deepEqual(lines, [1, 2, 5]);
  });

  it('keeps stray quotes inside unquoted fields literally', () => {
    assert.deepEqual(tokenize('a,b\n5" screen,x"y\n').records[1], ['5" screen', 'x"y']);
    assert.deepEqual(tokenize('a\n"ab"cd\n').records[1], ['abcd']);
  });

  it('splits on tab, semicolon and pipe', () => {
    for (const d of ['\t', ';', '|']) assert.deepEqual(tokenize(`a${d}b\n1${d}"2${d}3"\n`, 4, d).records, [['a', 'b'], ['1', `2${d}3`]]);
  });

  it('names the line and column of an unterminated quote', () => {
    assert.throws(
      () => tokenize('a,b\n1,2\n3,"open\n4,5\n', 4),
      (e: unknown) => e instanceof ImportError && e.code === 'CSV_UNTERMINATED_QUOTE' && e.line === 3 && e.column === 2,
    );
  });

  it('stops a field at the size limit without buffering the rest of the file', () => {
    const tokenizer = new CsvTokenizer(',', { maxFieldChars: 100, maxFields: 10 });
    assert.throws(
      () => {
        tokenizer.push('a,b\n1,', () => {});
        for (let i = 0; i < 10; i++) tokenizer.push('x'.repeat(50), () => {});
      },
      (e: unknown) => e instanceof ImportError && e.code === 'CSV_FIELD_TOO_LARGE' && e.line === 2 && e.column === 2,
    );
  });

  it('stops a record at the field-count limit', () => {
    const tokenizer = new CsvTokenizer(',', { maxFieldChars: 100, maxFields: 3 });
    assert.throws(
      () => tokenizer.push('a,b,c,d\n', () => {}),
      (e: unknown) => e instanceof ImportError && e.code === 'CSV_TOO_MANY_COLUMNS' && e.line === 1,
    );
  });
});
