// No import cycles in any package, and no I/O behind a module documented as pure. Read from
// the code with the TypeScript parser; the lists of pure and I/O modules are the ones
// eslint.config.mjs enforces on direct imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IO_MODULES, PURE_MODULES } from '../../../../eslint.config.mjs';
import { findCycles, readImportGraph, runtimeReach } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PACKAGES = ['common/src', 'control-plane/src', 'tenant-image/src'];
const graphs = new Map(PACKAGES.map((src) => [src, readImportGraph(ROOT, src)]));

for (const src of PACKAGES) {
  test(`${src} has no import cycle`, () => {
    const cycles = findCycles(graphs.get(src)!);
    assert.deepEqual(cycles, [], `files that import each other:\n${cycles.map((c) => `  ${c.join(' <-> ')}`).join('\n')}`);
  });
}

test('the cycle finder sees a cycle through type imports and dynamic imports', () => {
  const graph = new Map([
    ['a.ts', [{ to: 'b.ts', typeOnly: true }]],
    ['b.ts', [{ to: 'c.ts', typeOnly: false }]],
    ['c.ts', [{ to: 'a.ts', typeOnly: false }, { to: 'node:fs', typeOnly: false }]],
    ['d.ts', [{ to: 'a.ts', typeOnly: false }]],
  ]);
  assert.deepEqual(findCycles(graph), [['a.ts', 'b.ts', 'c.ts']]);
  assert.deepEqual(runtimeReach(graph, 'b.ts').get('node:fs'), ['b.ts', 'c.ts', 'node:fs']);
  assert.equal(runtimeReach(graph, 'a.ts').has('b.ts'), false, 'a type import is not followed');
});

const isIo = (to: string) => IO_MODULES.some((m) => (m.endsWith('/') ? to.startsWith(m) : to === m || to.startsWith(`${m}/`)));

for (const pure of PURE_MODULES) {
  test(`${pure} reaches no I/O module at run time`, { skip: !existsSync(`${ROOT}${pure}`) && 'moved or removed' }, () => {
    const src = PACKAGES.find((p) => pure.startsWith(`${p}/`))!;
    const reach = runtimeReach(graphs.get(src)!, pure);
    const io = [...reach].filter(([to]) => isIo(to)).map(([, path]) => path.join(' -> '));
    assert.deepEqual(io, []);
  });
}
