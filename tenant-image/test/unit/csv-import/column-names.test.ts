import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { nameColumns, suggestTableName } from '../../../src/csv-import/column-names.js';
import { quoteIdent, toColumnName } from '../../../src/sql/identifier.js';

describe('toColumnName', () => {
  const cases: [string[], string[]][] = [
    [['Name', 'name', 'NAME '], ['name', 'name_2', 'name_3']],
    [['', ' ', '\t'], ['column_1', 'column_2', 'column_3']],
    [['Prix (€)', 'Größe', 'e-mail address'], ['prix', 'größe', 'e_mail_address']],
    [['2019', '1st place'], ['c_2019', 'c_1st_place']],
    [['rowid', 'OID', '_rowid_', '_berth_x', 'sqlite_master'], ['c_rowid', 'c_oid', 'c_rowid_2', 'berth_x', 'c_sqlite_master']],
    [['a"; DROP TABLE t; --', 'column_2', ''], ['a_drop_table_t', 'column_2', 'column_3']],
    [['x'.repeat(100)], ['x'.repeat(60)]],
    [['ｆｕｌｌ　ｗｉｄｔｈ'], ['full_width']],
  ];
  for (const [headers, expected] of cases) {
    it(`${JSON.stringify(headers).slice(0, 50)} → ${JSON.stringify(expected).slice(0, 50)}`, () => {
      assert.deepEqual(nameColumns(headers), expected);
    });
  }

  it('adds each name, lower-cased, to the taken set', () => {
    const taken = new Set<string>(['id']);
    assert.equal(toColumnName('ID', taken), 'id_2');
    assert.ok(taken.has('id_2'));
  });

  it('suggests a table name from a file name', () => {
    assert.equal(suggestTableName('/data/uploads/Sales 2024.CSV'), 'sales_2024');
    assert.equal(suggestTableName('---.csv'), 'imported');
    assert.equal(suggestTableName('2024.csv'), 'c_2024');
  });
});

describe('quoteIdent', () => {
  it('doubles quotes and wraps in double quotes', () => {
    assert.equal(quoteIdent('a"b'), '"a""b"');
    assert.equal(quoteIdent('select'), '"select"');
  });

  it('rejects empty names and NUL characters', () => {
    assert.throws(() => quoteIdent(''));
    assert.throws(() => quoteIdent('a\u0000b'));
  });

  it('round-trips hostile names through SQLite as identifiers', () => {
    const db = new Database(':memory:');
    const names = ['a"; DROP TABLE t; --', "it's", '[x]', '`y`', 'sp ace', 'ünï'];
    db.exec(`CREATE TABLE t (${names.map((n) => `${quoteIdent(n)} TEXT`).join(', ')})`);
    assert.deepEqual(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('t'), names);
    db.close();
  });
});
