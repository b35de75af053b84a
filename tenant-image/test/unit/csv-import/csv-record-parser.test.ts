// The csv-parse wrapper: the same records (checked against csv-parse's own sync API) however the
// input is split into chunks, the physical line each record starts on, and every parser error
// mapped to an ImportError with its line and column.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CsvRecordParser } from '../../../src/csv-import/csv-record-parser.js';
import { ImportError } from '../../../src/csv-import/import-errors.js';

async function parseChunks(text: string, chunkSize = text.length || 1, delimiter = ',', maxFieldChars = 1 << 20) {
  const records: string[][] = [];
  const lines: number[] = [];
  const parser = new CsvRecordParser(delimiter, { maxFieldChars }, (fields, count, line) => {
    records.push(fields.slice(0, count));
    lines.push(line);
  });
  try {
    for (let i = 0; i < text.length; i += chunkSize) await parser.write(text.slice(i, i + chunkSize));
    await parser.end();
  } finally {
    parser.destroy();
  }
  return { records, lines };
}

function isImportError(code: string, line: number, column?: number) {
  return (e: unknown): boolean => e instanceof ImportError && e.code === code && e.line === line && (column === undefined || e.column === column);
}

const SAMPLES = [
  'a,b,c\n1,2,3\n',
  'a,b,c\n1,2,3',
  'a,b\r\n1,2\r\n3,4\r\n',
  'a,b\n"x, y","say ""hi"""\n',
  'a,b\n"line1\nline2",z\n"",""\n',
  'a,b\n,\n,x\n',
  'a,b\n\n1,2\n\n\n3,4\n',
  'a,b\r\n"q",\r\n',
  'h\n"a""b"\n""""\n',
  'a,b\r\n1,"multi\r\nline with ""quotes"", and commas"\r\n',
  'é,ü\n😀,"ß\n€"\n',
];

describe('CsvRecordParser', () => {
  for (const sample of SAMPLES) {
    it(`gives csv-parse's records at every chunk size for ${JSON.stringify(sample).slice(0, 40)}`, async () => {
      const expected = parse(sample, { skip_empty_lines: true, bom: false }) as string[][];
      for (const chunk of [1, 2, 3, 7, sample.length]) {
        assert.deepEqual((await parseChunks(sample, chunk)).records, expected, `chunk size ${chunk}`);
      }
    });
  }

  it('reports the physical line each record starts on, with LF or CRLF inside quoted fields', async () => {
    assert.deepEqual((await parseChunks('a,b\n"1\n2",x\n\n3,4\n', 3)).lines, [1, 2, 5]);
    assert.deepEqual((await parseChunks('a,b\r\n"1\r\n2",x\r\n\r\n"3\r\r\n4",y\r\n5,6\r\n', 3)).lines, [1, 2, 5, 7]);
    assert.deepEqual((await parseChunks('a,b\n1,x\ry\n2,z\n')).lines, [1, 2, 3]);
  });

  it('keeps stray quotes literally', async () => {
    assert.deepEqual((await parseChunks('a,b\n5" screen,x"y\n')).records[1], ['5" screen', 'x"y']);
    assert.deepEqual((await parseChunks('a\n"ab"cd\n')).records[1], ['"ab"cd']);
  });

  it('splits on tab, semicolon and pipe', async () => {
    for (const d of ['\t', ';', '|']) assert.deepEqual((await parseChunks(`a${d}b\n1${d}"2${d}3"\n`, 4, d)).records, [['a', 'b'], ['1', `2${d}3`]]);
  });

  it('names the line and column of an unterminated quote', async () => {
    await assert.rejects(parseChunks('a,b\n1,2\n3,"open\n4,5\n', 4), isImportError('CSV_UNTERMINATED_QUOTE', 3, 2));
    await assert.rejects(parseChunks('a,b\r\n"x\r\ny",2\r\n\r\n3,"open\r\n4,5\r\n', 4), isImportError('CSV_UNTERMINATED_QUOTE', 5, 2));
  });

  it('stops a field at the size limit, and an endless field without buffering the rest of the file', async () => {
    await assert.rejects(parseChunks(`a,b\n1,${'x'.repeat(500)}\n`, 64, ',', 100), isImportError('CSV_FIELD_TOO_LARGE', 2, 2));
    const parser = new CsvRecordParser(',', { maxFieldChars: 100 }, () => {});
    await assert.rejects(async () => {
      await parser.write('a,b\n1,"');
      for (let i = 0; i < 64; i++) await parser.write('x'.repeat(64 * 1024));
    }, isImportError('CSV_FIELD_TOO_LARGE', 2, 2));
    parser.destroy();
  });

  it('maps a ragged row to CSV_RAGGED_ROW with the line it starts on', async () => {
    await assert.rejects(parseChunks('a,b\n"1\n2",x\n\n3,4,5\n', 5), (e: unknown) => {
      return isImportError('CSV_RAGGED_ROW', 5, 3)(e) && (e as ImportError).details?.expected === 2 && (e as ImportError).details?.got === 3;
    });
  });
});
