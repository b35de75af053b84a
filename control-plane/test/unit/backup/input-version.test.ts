// The counter that lets a quiet backup pass skip planning (migration 702): it moves with every
// change the pass plans from, in any process on the database, and not with the constant ones
// (the activity flush, the resource sampler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputVersion } from '../../../src/backup/input-version.js';
import { startLineage } from '../../../src/backup/lineage-store.js';
import { insertUser } from '../../../src/auth/users.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { createStatusStore } from '../../../src/reconcile/status-store.js';
import { insertTenant, markAsleep, markAwake, recordLastRequests } from '../../../src/tenants/tenant-store.js';

test('the backup input version moves with tenants, their observed state and lineages, not with activity or memory samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-input-version-'));
  try {
    const path = join(dir, 'berth.db');
    const db = openDatabase(path);
    const other = openDatabase(path);
    const moved = (what: string, change: () => void, expected = true) => {
      const before = readInputVersion(db);
      change();
      assert.equal(readInputVersion(db) !== before, expected, what);
    };
    const owner = insertUser(db, 'a@example.test', 'x', 1);
    let id = 0;
    moved('a new tenant', () => (id = insertTenant(db, { slug: 'alpha', ownerId: owner.id, image: 'img' }, 2)));
    moved('requests recorded (the activity flush)', () => recordLastRequests(db, new Map([['alpha', 3]])), false);
    const status = createStatusStore(db);
    const running = { state: 'running', detail: null, containerId: 'c1', image: 'img', readyAt: 4 } as const;
    moved('its first observed state', () => status.write(new Map([[id, running]]), 4));
    moved('a running tenant\'s detail alone', () => status.write(new Map([[id, { ...running, detail: 'retrying after: x' }]]), 5), false);
    moved('a memory sample', () => status.writeMemory(id, 1 << 20, 6), false);
    moved('asleep (from another process on the database)', () => assert.ok(markAsleep(other, id, 3, 3, 7)));
    const hibernated = { state: 'hibernated', detail: 'asleep since 7', containerId: null, image: null, readyAt: null } as const;
    moved('observed hibernated', () => status.write(new Map([[id, hibernated]]), 8));
    moved('a sleeper\'s row rewritten (its updated_at decides parking)', () => status.write(new Map([[id, { ...hibernated, detail: 'asleep since 9' }]]), 9));
    moved('woken', () => assert.ok(markAwake(db, id, 'user:1', 10)));
    moved('a lineage started', () => startLineage(db, { tenantId: id, slug: 'alpha', volumeIdentity: 'v1', reason: 'first replication' }, 11));
    db.close();
    other.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
