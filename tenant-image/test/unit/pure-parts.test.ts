import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReadOnlySql } from '../../src/query/sql-guard.js';
import { planBins } from '../../src/tables/chart-data.js';
import { renderTopValuesSvg, renderHistogramSvg } from '../../src/pages/chart-svg.js';
import { html, trusted } from '@berth/common/html';
import { toFtsQuery } from '../../src/tables/text-search.js';
import { decodeCursor, encodeCursor } from '../../src/tables/page-query.js';
import { resolveIdentity } from '../../src/auth/identity.js';
import { isSameOrigin } from '../../src/auth/csrf.js';
import { BerthError, ERRORS, toBerthError } from '../../src/errors.js';
import { ImportError } from '../../src/csv-import/index.js';

test('sql guard: reads pass with their parameters; writes and tricks do not', () => {
  assert.deepEqual(checkReadOnlySql("SELECT * FROM t WHERE a = :a AND b = @b OR c = :a -- :nope\n AND d = ':e'").params, ['a', 'b']);
  assert.deepEqual(checkReadOnlySql('  /* hi */ WITH x AS (SELECT 1) SELECT * FROM x').params, []);
  assert.deepEqual(checkReadOnlySql('(SELECT 1)').params, []);
  assert.deepEqual(checkReadOnlySql('SELECT "pragma" FROM t;').params, [], 'quoted identifiers and a trailing ; are fine');
  for (const sql of ['', 'UPDATE t SET a = 1', 'select 1; select 2', 'PRAGMA table_info(t)', "ATTACH 'x' AS y", 'SELECT * FROM [_berth_api_tokens]', 'VACUUM', 'REINDEX']) {
    assert.throws(() => checkReadOnlySql(sql), (e: BerthError) => e.code === 'SQL_REJECTED', sql);
  }
});

test('fts queries are always valid syntax', () => {
  assert.equal(toFtsQuery('  '), undefined);
  assert.equal(toFtsQuery('a "b" OR'), '"a" """b""" "OR"*');
});

test('cursors round-trip; garbage is a 400', () => {
  for (const c of [{ rowid: 5 }, { rowid: 9, value: null }, { rowid: 1, value: 'x' }, { rowid: 2, value: 3.5 }]) assert.deepEqual(decodeCursor(encodeCursor(c)), c);
  assert.throws(() => decodeCursor('e30'), (e: BerthError) => e.status === 400);
});

test('histogram bins and svg escaping', () => {
  assert.deepEqual(planBins(1, 5, true), { width: 1, count: 5 });
  assert.deepEqual(planBins(0, 100, true), { width: 6, count: 17 });
  assert.deepEqual(planBins(3, 3, false), { width: 1, count: 1 });
  const svg = renderTopValuesSvg({ kind: 'top', column: '<c>', values: [{ value: '<script>', count: 2 }, { value: null, count: 1 }], others: 0 }).value;
  assert.doesNotMatch(svg, /<script>|<c>/);
  assert.match(svg, /\(null\)/);
  const hist = renderHistogramSvg({ kind: 'histogram', column: 'd', scale: 'date', bins: [{ from: 2460311, to: 2460312, count: 3 }], skipped: 0 }).value;
  assert.match(hist, />2024-01-01</);
});

test('html escapes interpolations, not trusted()', () => {
  assert.equal(html`<p title="${'"x"'}">${'<b>'}${trusted('<i>')}${[1, null, false, 'a&b']}</p>`.value, '<p title="&quot;x&quot;">&lt;b&gt;<i>1a&amp;b</p>');
});

test('identity and origin rules', () => {
  const who = { 'x-berth-user-id': '1', 'x-berth-user-email': 'e' };
  assert.equal(resolveIdentity({ 'x-berth-auth': 'session', ...who, 'x-berth-user-role': 'admin' }), undefined);
  assert.equal(resolveIdentity({ 'x-berth-auth': 'session', ...who, 'x-berth-user-role': 'viewer' })?.role, 'viewer');
  assert.equal(resolveIdentity({ 'x-berth-auth': 'bearer', ...who, 'x-berth-user-role': 'member' }), undefined, 'a bearer identity needs its scope');
  assert.equal(resolveIdentity({ 'x-berth-auth': 'bearer', ...who, 'x-berth-user-role': 'owner', 'x-berth-token-scope': 'read' })?.role, 'viewer', 'read scope caps the role');
  assert.equal(resolveIdentity({ 'x-berth-auth': 'bearer', ...who, 'x-berth-user-role': 'owner', 'x-berth-token-scope': 'write' })?.role, 'owner');
  assert.equal(resolveIdentity({ ...who, 'x-berth-user-role': 'owner', authorization: 'Bearer t' }), undefined, 'user headers without X-Berth-Auth are not trusted');
  assert.equal(resolveIdentity({ authorization: 'Bearer berth_old' }), undefined, 'a bare bearer token is nobody: tokens are checked by the control plane');
  assert.equal(isSameOrigin({ host: 'a.b.c', origin: 'https://a.b.c' }), true);
  assert.equal(isSameOrigin({ host: 'a.b.c', origin: 'https://x.b.c' }), false);
  assert.equal(isSameOrigin({ host: 'a.b.c' }), false);
});

test('errors: one envelope; import errors keep line and column', () => {
  for (const [code, e] of Object.entries(ERRORS)) assert.ok(e.status >= 400 && e.status < 600 && e.help.length > 10, code);
  const mapped = toBerthError(new ImportError('CSV_RAGGED_ROW', 'row 7 has 3 fields', { line: 7, column: 3 }));
  assert.equal(mapped.code, 'IMPORT_FAILED');
  assert.deepEqual(mapped.details, { reason: 'CSV_RAGGED_ROW', line: 7, column: 3 });
  assert.equal(toBerthError(new ImportError('CSV_FILE_TOO_LARGE', 'big')).code, 'PAYLOAD_TOO_LARGE');
  assert.equal(toBerthError(new ImportError('CSV_CANCELLED', 'stop')).code, 'IMPORT_CANCELLED');
  assert.equal(toBerthError(new Error('x')).code, 'INTERNAL');
  assert.equal(toBerthError(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' })).code, 'TOO_BUSY');
});
