import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertCell, MISMATCH } from '../../../src/csv-import/cell-types.js';
import { detectColumnType } from '../../../src/csv-import/detect-types.js';

describe('detectColumnType', () => {
  const cases: [string[], string][] = [
    [['1', '2', '-3', '0'], 'integer'],
    [['1', '2.5', '-0.25'], 'real'],
    [['007', '10'], 'text'],
    [['0.5', '00.5'], 'text'],
    [['1234567890123456'], 'integer'],
    [['9007199254740991', '-9007199254740991'], 'integer'],
    [['9007199254740992'], 'text'],
    [['12345678901234567890'], 'text'],
    [['123456789012345'], 'integer'],
    [['1234567890.123456'], 'real'],
    [['48.053808600000004'], 'real'],
    [['0.1000000000000000001'], 'text'],
    [['1e5', '6.02E23', '1.5e-3', '2E+05'], 'real'],
    [['1e999'], 'text'],
    [['0e5'], 'text'],
    [['1.50', '2.00'], 'real'],
    [['1', 'NA', '3'], 'integer'],
    [['NA', 'NA'], 'text'],
    [['+1'], 'text'],
    [['.5'], 'text'],
    [['1.'], 'text'],
    [['-0'], 'text'],
    [['1,5'], 'text'],
    [['1', 'x'], 'text'],
    [['', '', '4'], 'integer'],
    [['', ''], 'text'],
    [[], 'text'],
    [['2024-01-31', '2024-02-29'], 'date'],
    [['2023-02-29'], 'text'],
    [['2024-13-01'], 'text'],
    [['2024-1-1'], 'text'],
    [['2024-01-31', '2024-01-31T10:00:00'], 'text'],
    [['2024-01-31T10:00:00', '2024-01-31 23:59:59.123Z', '2024-01-31T10:00+02:00', '2024-01-31T10:00:00-0530'], 'datetime'],
    [['2024-01-31T24:00:00'], 'text'],
    [['2024-01-31T10:00:00 '], 'text'],
    [['1', ''], 'integer'],
    [[' 1'], 'text'],
  ];
  for (const [cells, expected] of cases) {
    it(`${JSON.stringify(cells)} → ${expected}`, () => {
      assert.equal(detectColumnType(cells), expected);
    });
  }
});

describe('convertCell', () => {
  it('stores empty cells as NULL whatever the type', () => {
    for (const type of ['integer', 'real', 'date', 'datetime', 'text'] as const) assert.equal(convertCell(type, ''), null);
  });

  it('converts numbers and keeps text as is', () => {
    assert.equal(convertCell('integer', '-42'), -42);
    assert.equal(convertCell('real', '19.90'), 19.9);
    assert.equal(convertCell('real', '3'), 3);
    assert.equal(convertCell('text', '007'), '007');
    assert.equal(convertCell('date', '2024-01-31'), '2024-01-31');
  });

  it('reports values that do not fit', () => {
    assert.equal(convertCell('integer', '1.5'), MISMATCH);
    assert.equal(convertCell('real', 'abc'), MISMATCH);
    assert.equal(convertCell('date', '31/01/2024'), MISMATCH);
    assert.equal(convertCell('datetime', '2024-01-31'), MISMATCH);
  });
});
