// csv-parse is patched (patches/csv-parse@5.6.0.patch): its ES module build, the one the app
// imports, decodes fields in place and copies runs of plain field bytes in one go. The package's
// CommonJS build is left unpatched on purpose, so it is the oracle here: random inputs, cut into
// random chunks, must give both builds the same records, the same counters (lines, bytes, empty
// lines) after every record, and the same error, for every option the importer uses and for a
// few it does not (auto-detected record delimiters, trimming), which must take the old path.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { parse as patchedParse, type Options } from 'csv-parse';
import { seededRandom } from '../../../bench/seeded-random.js';

const require = createRequire(import.meta.url);
const { parse: originalParse } = require('csv-parse') as typeof import('csv-parse');

interface Outcome {
  records: { fields: string[]; lines: number; bytes: number; emptyLines: number }[];
  error: string | null;
}

function run(parse: typeof patchedParse, chunks: Buffer[], options: Options): Outcome {
  const out: Outcome = { records: [], error: null };
  const parser = parse(options);
  parser.on('data', (fields: string[]) => {
    const info = parser.info;
    out.records.push({ fields, lines: info.lines, bytes: info.bytes, emptyLines: info.empty_lines });
  });
  parser.on('error', (err: Error & { code?: string }) => {
    out.error ??= `${err.code}: ${err.message}`;
  });
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  return out;
}

const PIECES = ['a', 'bc', 'é', '😀', ',', ';', '"', '""', '\r', '\n', '\r\n', ' ', 'x1', '=1', '|'];

const OPTION_SETS: Options[] = [
  // What the importer uses (csv-record-parser.ts), with both record delimiter lists.
  { delimiter: ',', bom: false, record_delimiter: ['\r\n', '\n'], relax_quotes: true, skip_empty_lines: true, max_record_size: 0 },
  { delimiter: ',', bom: false, record_delimiter: ['\n'], relax_quotes: true, skip_empty_lines: true, max_record_size: 0 },
  { delimiter: ';', bom: false, record_delimiter: ['\r\n', '\n'], relax_quotes: true, skip_empty_lines: true, max_record_size: 12 },
  { delimiter: ',', bom: false, record_delimiter: ['\r\n', '\n'], relax_quotes: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 7 },
  // Options that must keep the byte-by-byte path, or change what is special.
  { delimiter: ',', relax_quotes: false },
  { delimiter: ',', trim: true, relax_quotes: true },
  { delimiter: ['||', ','], record_delimiter: ['\n'], relax_quotes: true, relax_column_count: true },
  { delimiter: ',', comment: '#', record_delimiter: ['\n'], relax_column_count: true },
  { delimiter: ',', escape: '\\', record_delimiter: ['\n'], relax_column_count: true },
];

test('the patched csv-parse gives exactly what the unpatched build gives', () => {
  const rnd = seededRandom(0x9e3779b9);
  let cases = 0;
  let records = 0;
  for (const options of OPTION_SETS) {
    for (let i = 0; i < 300; i++) {
      let text = '';
      const pieces = 1 + rnd(120);
      for (let p = 0; p < pieces; p++) text += PIECES[rnd(PIECES.length)] + (rnd(4) === 0 ? '#\\' : '');
      const bytes = Buffer.from(text);
      // Cut anywhere, even inside a character or a CRLF, as reads and slices do.
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + rnd(Math.max(1, Math.min(40, bytes.length - at)));
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const expected = run(originalParse as typeof patchedParse, chunks, options);
      const actual = run(patchedParse, chunks, options);
      assert.deepEqual(actual, expected, `options ${JSON.stringify(options)}, input ${JSON.stringify(text)}`);
      cases++;
      records += expected.records.length;
    }
  }
  assert.ok(records > cases, 'the cases hold records, not only errors');
});

test('the oracle is really the unpatched build', () => {
  const original = require.resolve('csv-parse');
  assert.match(original, /dist\/cjs\/index\.cjs$/);
});
