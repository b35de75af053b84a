// The backup pass's batched lineage changes (changeLineages): endings and starts in one
// transaction, each start ending the lineage its tenant had open, ids returned in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeLineages, readLineages, startLineage } from '../../../src/backup/lineage-store.js';
import { insertUser } from '../../../src/auth/users.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { insertTenant } from '../../../src/tenants/tenant-store.js';

test('changeLineages ends and starts lineages in one go, superseding a tenant\'s open one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-lineages-'));
  try {
    const db = openDatabase(join(dir, 'berth.db'));
    const owner = insertUser(db, 'a@example.test', 'x', 1);
    const [a, b, c] = ['alpha', 'bravo', 'charlie'].map((slug) => insertTenant(db, { slug, ownerId: owner.id, image: 'img' }, 2));
    const la = startLineage(db, { tenantId: a!, slug: 'alpha', volumeIdentity: 'va', reason: 'first replication' }, 10);
    const lb = startLineage(db, { tenantId: b!, slug: 'bravo', volumeIdentity: 'vb', reason: 'first replication' }, 10);
    const started = changeLineages(db, {
      end: [{ lineageId: lb, reason: 'tenant deleted' }],
      start: [
        { tenantId: a!, slug: 'alpha', volumeIdentity: 'va2', reason: 'new volume' },
        { tenantId: c!, slug: 'charlie', volumeIdentity: 'vc', reason: 'first replication' },
      ],
    }, 20);
    assert.equal(started.length, 2);
    const byId = new Map(readLineages(db).map((l) => [l.id, l]));
    assert.deepEqual([byId.get(la)!.endedAt, byId.get(la)!.endReason], [20, 'superseded: new volume']);
    assert.deepEqual([byId.get(lb)!.endedAt, byId.get(lb)!.endReason], [20, 'tenant deleted']);
    assert.deepEqual([byId.get(started[0]!)!.slug, byId.get(started[0]!)!.volumeIdentity, byId.get(started[0]!)!.endedAt], ['alpha', 'va2', null]);
    assert.deepEqual([byId.get(started[1]!)!.slug, byId.get(started[1]!)!.startedAt, byId.get(started[1]!)!.endedAt], ['charlie', 20, null]);
    // Nothing to change is a transaction that writes nothing.
    assert.deepEqual(changeLineages(db, { end: [], start: [] }, 30), []);
    assert.equal(readLineages(db).length, 4);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
