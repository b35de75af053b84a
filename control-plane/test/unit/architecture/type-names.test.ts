// One meaning per type name: within a package, no two modules export a type (interface, type
// alias, class or enum) of the same name, so a name read anywhere means one thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { readImportGraph } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function exportedTypeNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(`${ROOT}${file}`, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return source.statements
    .filter((s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration | ts.EnumDeclaration =>
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s))
      && (ts.getCombinedModifierFlags(s) & ts.ModifierFlags.Export) !== 0 && s.name !== undefined)
    .map((s) => s.name!.text);
}

for (const src of ['common/src', 'control-plane/src', 'tenant-image/src']) {
  test(`${src} exports each type name from one module`, () => {
    const owners = new Map<string, string[]>();
    for (const file of readImportGraph(ROOT, src).keys()) {
      for (const name of exportedTypeNames(file)) owners.set(name, [...(owners.get(name) ?? []), file]);
    }
    const twice = [...owners].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(', ')}`);
    assert.deepEqual(twice, []);
  });
}
