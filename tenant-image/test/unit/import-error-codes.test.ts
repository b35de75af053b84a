// Every import error code is mapped to one of the app's codes by one table (IMPORT_ERROR_CODES);
// the type makes a missing entry a compile error, and this test fails on one too (and on a
// mapping the README does not show), so a new ImportErrorCode cannot fall through to a guess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERRORS, IMPORT_ERROR_CODES, toBerthError } from '../../src/errors.js';
import { IMPORT_ERRORS, ImportError, type ImportErrorCode } from '../../src/csv-import/import-errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The import codes the table leaves out, and the table's entries that are no import code or no app code. */
function tableProblems(table: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const code of Object.keys(IMPORT_ERRORS)) if (!(code in table)) problems.push(`${code} has no app code`);
  for (const [code, app] of Object.entries(table)) {
    if (!(code in IMPORT_ERRORS)) problems.push(`${code} is not an import error code`);
    if (!(app in ERRORS)) problems.push(`${code} maps to ${app}, which is not an app error code`);
  }
  return problems;
}

test('every import error code has exactly one app error code', () => {
  assert.deepEqual(tableProblems(IMPORT_ERROR_CODES), []);
});

test('the completeness check fails when a code is missing or unknown (negative control)', () => {
  const { CSV_NUL_BYTE: _dropped, ...missingOne } = IMPORT_ERROR_CODES;
  assert.deepEqual(tableProblems(missingOne), ['CSV_NUL_BYTE has no app code']);
  assert.deepEqual(tableProblems({ ...IMPORT_ERROR_CODES, CSV_NEW: 'NOPE' }), [
    'CSV_NEW is not an import error code',
    'CSV_NEW maps to NOPE, which is not an app error code',
  ]);
});

test('toBerthError answers with the table, keeping the import code, line and column', () => {
  for (const code of Object.keys(IMPORT_ERRORS) as ImportErrorCode[]) {
    const mapped = toBerthError(new ImportError(code, `failed with ${code}`, { line: 3, column: 2 }));
    assert.equal(mapped.code, IMPORT_ERROR_CODES[code], code);
    assert.equal(mapped.message, `failed with ${code}`);
    assert.deepEqual(mapped.details, { reason: code, line: 3, column: 2 });
    // The HTTP status an import error carries for itself agrees with the app code it becomes,
    // except where the app has its own (cancel: 409, not nginx's 499).
    if (code !== 'CSV_CANCELLED' && IMPORT_ERRORS[code].status !== 422) assert.equal(mapped.status, IMPORT_ERRORS[code].status, code);
  }
  // An error that crossed the worker boundary maps the same way.
  const crossed = ImportError.fromJSON(new ImportError('CSV_TABLE_EXISTS', 'exists').toJSON());
  assert.equal(toBerthError(crossed).code, 'CONFLICT');
});

test('README shows the table', () => {
  for (const [code, app] of Object.entries(IMPORT_ERROR_CODES)) {
    assert.match(readme, new RegExp(`\\| \`${code}\` \\| \`${app}\` \\|`), `${code} → ${app}`);
  }
});
