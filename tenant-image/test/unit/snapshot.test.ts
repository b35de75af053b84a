// POST /__berth/snapshot: a complete copy of the database under <data>/snapshots, the newest
// `keep` kept, refused through the proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openReadConnection } from '../../src/db/open-database.js';
import { writeTx } from '../../src/db/write-tx.js';
import { startTestApp } from '../support/test-app.js';

test('snapshot: a readable copy with the rows, older ones pruned to keep, control plane only', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  writeTx(ta.db, () => {
    ta.db.exec('CREATE TABLE fruit (name TEXT)');
    ta.db.prepare('INSERT INTO fruit VALUES (?), (?)').run('apple', 'pear');
  });

  const refused = await ta.app.inject({ method: 'POST', url: '/__berth/snapshot', payload: {}, headers: { 'x-forwarded-for': '10.0.0.1' } });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.json().error.code, 'CONTROL_PLANE_ONLY');

  const bad = await ta.app.inject({ method: 'POST', url: '/__berth/snapshot', payload: { label: '../x' } });
  assert.equal(bad.statusCode, 400);

  const first = await ta.app.inject({ method: 'POST', url: '/__berth/snapshot', payload: { keep: 1, label: 'before-1' } });
  assert.equal(first.statusCode, 200, first.body);
  const copy = openReadConnection(first.json().file, 5000);
  assert.deepEqual(copy.prepare('SELECT name FROM fruit ORDER BY name').pluck().all(), ['apple', 'pear']);
  copy.close();

  const second = (await ta.app.inject({ method: 'POST', url: '/__berth/snapshot', payload: { keep: 1, label: 'before-2' } })).json();
  assert.deepEqual(second.removed.length, 1);
  assert.deepEqual(readdirSync(join(ta.dir, 'snapshots')), [second.file.split('/').pop()]);
});
