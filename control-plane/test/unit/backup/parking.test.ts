// Parking of sleepers' databases in Litestream (pure plan): who is closed, who is taken back and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planParking, replicationKey, type FileStamp, type ParkedDb } from '../../../src/backup/parking.js';
import type { ReplicatedDb } from '../../../src/backup/replication-plan.js';

const db = (tenantId: number, lineageId = tenantId): ReplicatedDb => ({ tenantId, slug: `t${tenantId}`, dbPath: `/v/t${tenantId}/tenant.db`, lineageId });
const stamp: FileStamp = { db: '4096:1:7', wal: null };
const parkedOf = (d: ReplicatedDb, asleepSince: number | null, s: FileStamp = stamp): [string, ParkedDb] =>
  [replicationKey(d), { key: replicationKey(d), asleepSince, stamp: s, parkedAt: 1 }];

test('hibernated tenants are parked, at most maxParks per pass; awake ones are left alone', () => {
  const dbs = [db(1), db(2), db(3), db(4)];
  const plan = planParking({
    databases: dbs, hibernated: new Map([[1, 10], [2, 20], [4, 40]]), parked: new Map(), stampOf: () => stamp, maxParks: 2,
  });
  assert.deepEqual(plan.park.map((d) => d.tenantId), [1, 2]);
  assert.deepEqual(plan.unpark, []);
  assert.deepEqual(plan.forget, []);
});

test('a parked database stays parked while asleep and unchanged, and is taken back for each reason', () => {
  const [a, b, c, d] = [db(1), db(2), db(3), db(4)];
  const plan = planParking({
    databases: [a, b, c, d],
    hibernated: new Map([[1, 10], [3, 35], [4, 40]]),
    parked: new Map([parkedOf(a, 10), parkedOf(b, 20), parkedOf(c, 30), parkedOf(d, 40)]),
    stampOf: (p) => (p === d.dbPath ? { db: '4096:2:7', wal: null } : stamp),
    maxParks: 4,
  });
  assert.deepEqual(plan.park, []);
  assert.deepEqual(plan.unpark.map((u) => [u.db.tenantId, u.reason]), [
    [2, 'awake'],
    [3, 'woken and asleep again since parked'],
    [4, 'database changed while parked'],
  ]);
});

test('a parked entry whose replication ended (deleted, held, new lineage) is forgotten', () => {
  const old = db(1, 1);
  const plan = planParking({
    databases: [db(1, 2)], hibernated: new Map([[1, 10]]), parked: new Map([parkedOf(old, 10)]), stampOf: () => stamp, maxParks: 4,
  });
  assert.deepEqual(plan.forget, [replicationKey(old)]);
  // The new lineage is another replication: parked afresh.
  assert.deepEqual(plan.park.map((d) => d.lineageId), [2]);
});

test("a parked database's files are only looked at on its slice's pass; a wake is seen on every pass", () => {
  const [a, b] = [db(1), db(2)];
  const looked: string[] = [];
  const input = {
    databases: [a, b],
    hibernated: new Map([[1, 10]]),
    parked: new Map([parkedOf(a, 10), parkedOf(b, 20)]),
    stampOf: (p: string) => (looked.push(p), { db: '4096:2:7', wal: null }),
    maxParks: 4,
  };
  const notDue = planParking({ ...input, stampDue: () => false });
  assert.deepEqual(notDue.unpark.map((u) => [u.db.tenantId, u.reason]), [[2, 'awake']]);
  assert.deepEqual(looked, []);
  const due = planParking({ ...input, stampDue: (p) => p === a.dbPath });
  assert.deepEqual(due.unpark.map((u) => [u.db.tenantId, u.reason]), [[1, 'database changed while parked'], [2, 'awake']]);
  assert.deepEqual(looked, [a.dbPath]);
});
