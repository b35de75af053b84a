// Pure parts of editing in place: who may do what (one table), and how typed text becomes a
// stored value by the import's rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { can, PERMISSIONS, requirePermission } from '../../src/auth/permissions.js';
import { toStoredValue } from '../../src/edits/cell-values.js';
import { BerthError } from '../../src/errors.js';
import { kindOfDeclaredType, type ColumnInfo } from '../../src/tables/catalog.js';

const col = (declaredType: string): ColumnInfo => ({ name: 'c', declaredType, kind: kindOfDeclaredType(declaredType) });

describe('permissions', () => {
  it('lets owners rename and drop, and members edit, delete rows and keep queries', () => {
    // The table may grow (finer roles, more actions); these cells are issue 14's rule.
    const actions = ['cell.edit', 'rows.delete', 'table.rename', 'table.drop', 'query.save', 'query.delete'] as const;
    assert.ok(actions.every((a) => a in PERMISSIONS));
    assert.deepEqual(
      actions.map((a) => [a, can('owner', a), can('member', a)]),
      [
        ['cell.edit', true, true],
        ['rows.delete', true, true],
        ['table.rename', true, false],
        ['table.drop', true, false],
        ['query.save', true, true],
        ['query.delete', true, true],
      ],
    );
  });

  it('refuses with FORBIDDEN naming the action', () => {
    const member = { userId: 'u', email: 'm@example.com', role: 'member' as const, via: 'session' as const };
    assert.throws(() => requirePermission(member, 'table.drop'), (e: unknown) => e instanceof BerthError && e.code === 'FORBIDDEN');
    assert.doesNotThrow(() => requirePermission(member, 'cell.edit'));
  });
});

describe('toStoredValue', () => {
  it('stores numbers exactly as an import would, and empty as NULL', () => {
    assert.equal(toStoredValue(col('INTEGER'), ' 42 '), 42);
    assert.equal(toStoredValue(col('INTEGER'), ''), null);
    assert.equal(toStoredValue(col('INTEGER'), null), null);
    assert.equal(toStoredValue(col('REAL'), '48.053808600000004'), 48.053808600000004);
    assert.equal(toStoredValue(col('REAL'), '1e5'), 100000);
    assert.equal(toStoredValue(col('REAL'), 2.5), 2.5);
    assert.equal(toStoredValue(col('TEXT'), '007'), '007');
    assert.equal(toStoredValue(col('TEXT'), 7), '7');
    assert.equal(toStoredValue(col('DATE'), '2024-02-29'), '2024-02-29');
  });

  it('refuses what the column type cannot hold, naming the column', () => {
    for (const [type, v] of [['INTEGER', '007'], ['INTEGER', '1.5'], ['INTEGER', 2 ** 60], ['REAL', 'NA'], ['REAL', '.5'], ['DATE', '2023-02-29'], ['DATETIME', '2024-01-31']] as const) {
      assert.throws(() => toStoredValue(col(type), v), (e: unknown) => e instanceof BerthError && e.code === 'VALIDATION_FAILED' && /column "c"/.test(e.message), `${type} ${v}`);
    }
  });
});
