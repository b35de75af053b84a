import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouteFiles } from '../../../src/edge/route-files.js';
import { parseRoute, renderRoute } from '../../../src/edge/route-text.js';
import { routeFor } from '../../../src/tenants/route.js';
import { config, tenant } from '../tenants/fixtures.js';

function withDir(fn: (dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-routes-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('writes one t-<slug>.yml per tenant, reads them back, removes them; leaves other files alone', withDir(async (dir) => {
  writeFileSync(join(dir, '_tls.yml'), 'tls: {}\n');
  const files = createRouteFiles(dir);
  await files.init();
  const doc = routeFor(tenant({ slug: 'acme' }), ['http://172.30.0.2:8080'], config);
  await files.write('acme', doc);
  await files.write('beta', routeFor(tenant({ slug: 'beta' }), [], config));
  assert.deepEqual(readdirSync(dir).sort(), ['.staging', '_tls.yml', 't-acme.yml', 't-beta.yml']);
  const all = await files.readAll();
  assert.deepEqual([...all.keys()].sort(), ['acme', 'beta']);
  assert.equal(all.get('acme'), renderRoute(doc));
  assert.deepEqual(parseRoute(all.get('acme')!), doc);
  await files.remove('acme');
  await files.remove('acme');
  assert.deepEqual(readdirSync(dir).sort(), ['.staging', '_tls.yml', 't-beta.yml']);
}));

test('no temp file is left after a write, and init sweeps those a crash left', withDir(async (dir) => {
  writeFileSync(join(dir, '.t-acme.yml.tmp-123-4'), 'half');
  writeFileSync(join(dir, '.unrelated'), 'keep');
  mkdirSync(join(dir, '.staging'));
  writeFileSync(join(dir, '.staging', '.t-beta.yml.tmp-123-5'), 'half');
  const files = createRouteFiles(dir);
  await files.init();
  await files.writeShared({ http: {} });
  assert.deepEqual(readdirSync(dir).sort(), ['.staging', '.unrelated', '_shared.yml']);
  assert.deepEqual(readdirSync(join(dir, '.staging')), [], 'temp files are written in .staging and renamed out of it');
  assert.equal(readFileSync(join(dir, '_shared.yml'), 'utf8'), '{\n  "http": {}\n}\n');
}));

test('route files are JSON text, which Traefik reads as YAML by the .yml extension', () => {
  const text = renderRoute(routeFor(tenant(), [], config));
  assert.doesNotThrow(() => JSON.parse(text));
  assert.ok(text.includes('"rule": "Host(`acme.berth.localhost`)"'));
});
