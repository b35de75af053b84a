// Layering rules of the tenant app that the cycle check alone would not keep: a route file
// imports no other route file (what two share lives outside routes/), lifecycle/ knows nothing of
// HTTP, and the CSV import's worker protocol is types only. Read from the code with the same
// parser as the workspace's cycle test (control-plane/test/unit/architecture/import-graph.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readImportGraph } from '../../../control-plane/test/unit/architecture/import-graph.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const graph = readImportGraph(ROOT, 'tenant-image/src');
const SRC = 'tenant-image/src/';

function importsWhere(from: (file: string) => boolean, to: (target: string) => boolean): string[] {
  return [...graph].flatMap(([file, edges]) => (from(file) ? edges.filter((e) => to(e.to)).map((e) => `${file} -> ${e.to}`) : []));
}

test('no route file imports another route file', () => {
  const isRoute = (f: string) => f.startsWith(`${SRC}http/routes/`);
  assert.deepEqual(importsWhere(isRoute, isRoute), []);
});

test('lifecycle/ imports nothing from http/ and not Fastify', () => {
  const bad = importsWhere((f) => f.startsWith(`${SRC}lifecycle/`), (to) => to.startsWith(`${SRC}http/`) || to === 'fastify' || to.startsWith('@fastify/'));
  assert.deepEqual(bad, []);
});

test('the worker protocol is types only, so both ends import it and not each other', () => {
  const edges = graph.get(`${SRC}csv-import/worker-protocol.ts`);
  assert.ok(edges, 'worker-protocol.ts exists');
  assert.deepEqual(edges.filter((e) => !e.typeOnly), []);
  const intoEntry = importsWhere(() => true, (to) => to === `${SRC}csv-import/import-worker.ts`);
  assert.deepEqual(intoEntry, [], 'the worker entry file is started, never imported');
});
