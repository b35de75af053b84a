// UTF-8 goes to csv-parse as raw bytes, checked slice by slice: a character cut by a slice or
// read boundary is valid, and an invalid byte is named by its line and column.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '../../../src/csv-import/import-plan.js';
import { PARSE_SLICE_BYTES, READ_CHUNK_BYTES, readCsv } from '../../../src/csv-import/read-csv.js';
import { assertImportError, makeEnv } from './test-support.js';

/** A file of "n,text" rows in which `char` straddles each of `offsets`. */
function fileWithCharsAt(char: string, offsets: number[]): Buffer {
  const bytes = Buffer.from(char);
  const parts = ['n,text\n'];
  let length = parts[0]!.length;
  let row = 0;
  const add = (s: string): void => {
    parts.push(s);
    length += Buffer.byteLength(s);
  };
  for (const at of offsets) {
    while (length < at - 40) add(`${++row},filler\n`);
    const pad = at - length - (String(row + 1).length + 1) - 1;
    add(`${++row},${'x'.repeat(pad)}${char}\n`);
  }
  const buf = Buffer.from(parts.join(''));
  for (const at of offsets) assert.equal(buf.subarray(at - 1, at - 1 + bytes.length).toString(), char);
  return buf;
}

async function readAll(path: string) {
  const rows: string[][] = [];
  await readCsv(path, { encoding: 'utf-8', delimiter: ',', limits: DEFAULT_LIMITS }, (fields, count) => {
    rows.push(fields.slice(0, count));
  });
  return rows;
}

describe('UTF-8 raw byte path', () => {
  for (const char of ['é', '€', '😀']) {
    it(`keeps ${char} cut by a slice and by a read boundary`, async (t) => {
      const env = makeEnv(t);
      const path = env.file('cut.csv', fileWithCharsAt(char, [PARSE_SLICE_BYTES, READ_CHUNK_BYTES, READ_CHUNK_BYTES + PARSE_SLICE_BYTES + 1]));
      const rows = await readAll(path);
      assert.equal(rows.filter((r) => r[1]!.endsWith(char)).length, 3);
    });
  }

  it('names the line and column of an invalid byte after a boundary, and of a character cut by the end of the file', async (t) => {
    const env = makeEnv(t);
    const buf = fileWithCharsAt('é', [PARSE_SLICE_BYTES]);
    const lines = buf.toString().split('\n').length - 1;
    buf[PARSE_SLICE_BYTES] = 0x41; // é's second byte replaced: the lead byte is followed by "A"
    await assertImportError(readAll(env.file('bad.csv', buf)), 'CSV_INVALID_ENCODING', { line: lines, column: 2 });
    const cut = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from('€').subarray(0, 2)]);
    await assertImportError(readAll(env.file('cut.csv', cut)), 'CSV_INVALID_ENCODING', { line: 2, column: 2 });
  });
});
