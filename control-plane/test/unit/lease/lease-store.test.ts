// The lease SQL and the fence on a real SQLite file with two connections, as two processes
// would have: one holder at a time, the epoch grows only when the holder changes, a release is
// taken at once, and a holder whose lease was taken over cannot write anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, writeTx, type Db } from '../../../src/db/open-database.js';
import { BerthError } from '../../../src/errors.js';
import { installFence } from '../../../src/lease/fence.js';
import { readLease, releaseLease, tryAcquire } from '../../../src/lease/lease-store.js';

function twoConnections(): { a: Db; b: Db; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-lease-'));
  const a = openDatabase(join(dir, 'berth.db'));
  const b = openDatabase(join(dir, 'berth.db'));
  return { a, b, done: () => { a.close(); b.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const TTL = 10_000;

test('one holder at a time; renewals keep the epoch, a takeover after expiry raises it, a release is taken at once', () => {
  const { a, b, done } = twoConnections();
  try {
    const t0 = 1_000_000;
    assert.deepEqual(tryAcquire(a, 'A', t0, TTL), { acquired: true, epoch: 1 });
    assert.deepEqual(tryAcquire(b, 'B', t0 + 1, TTL), { acquired: false, epoch: 0 }, 'held and live');
    assert.deepEqual(tryAcquire(a, 'A', t0 + 3_000, TTL), { acquired: true, epoch: 1 }, 'a renewal keeps the epoch');
    assert.deepEqual(tryAcquire(b, 'B', t0 + 3_000 + TTL, TTL), { acquired: false, epoch: 0 }, 'expires_at is not yet past');
    assert.deepEqual(tryAcquire(b, 'B', t0 + 3_000 + TTL + 1, TTL), { acquired: true, epoch: 2 }, 'expired: taken over');
    assert.deepEqual(tryAcquire(a, 'A', t0 + 3_000 + TTL + 2, TTL), { acquired: false, epoch: 0 }, 'the old holder cannot renew');
    assert.equal(releaseLease(a, 'A'), false, 'only the holder releases');
    assert.equal(releaseLease(b, 'B'), true);
    assert.deepEqual(tryAcquire(a, 'A', t0 + 3_000 + TTL + 3, TTL), { acquired: true, epoch: 3 }, 'released: taken at once');
    assert.deepEqual(readLease(b), { holder: 'A', epoch: 3, expiresAt: t0 + 3_003 + 2 * TTL, renewedAt: t0 + 3_003 + TTL });
  } finally {
    done();
  }
});

test('fence: the holder writes; after a takeover its writes fail with LEASE_LOST, roll back whole, and tell it once', async () => {
  const { a, b, done } = twoConnections();
  try {
    const fence = installFence(a);
    const t0 = Date.now();
    const epoch = tryAcquire(a, 'A', t0, TTL).epoch;
    let lost = 0;
    fence.arm('A', epoch, () => lost++);
    const insert = (at: number) => a.prepare('INSERT INTO audit_log (at, actor, action, subject) VALUES (?, ?, ?, ?)').run(at, 'test', 'fenced', 'x');
    insert(1);

    // A is paused past its TTL; B takes over.
    assert.equal(tryAcquire(b, 'B', t0 + TTL + 1, TTL).acquired, true);
    assert.throws(() => insert(2), (err: unknown) => err instanceof BerthError && err.code === 'LEASE_LOST');
    // A transaction that wrote an unfenced row first is rolled back whole.
    assert.throws(() => writeTx(a, () => {
      a.prepare("INSERT INTO wakeups (name, seq) VALUES ('reconcile', 99)").run();
      a.prepare('UPDATE audit_log SET subject = ?').run('y');
    }), /LEASE_LOST|no longer holds/);
    assert.equal(b.prepare('SELECT count(*) FROM wakeups').pluck().get(), 0);
    assert.deepEqual(b.prepare('SELECT at, subject FROM audit_log').all(), [{ at: 1, subject: 'x' }]);
    assert.throws(() => a.prepare('DELETE FROM audit_log').run(), /no longer holds/);
    await new Promise((r) => setImmediate(r));
    assert.equal(lost, 1, 'told once per arming');
    assert.equal(fence.refused(), 3);

    // The process register and the lease itself stay writable: they are not background work.
    a.prepare("INSERT INTO processes (id, pid, version, role, url, started_at, last_seen) VALUES ('A', 1, 'v', 'all', 'u', 0, 0)").run();
    // Another connection (a web handler) is never fenced.
    b.prepare('INSERT INTO audit_log (at, actor, action, subject) VALUES (3, ?, ?, ?)').run('web', 'ok', 'z');

    // Disarmed, nothing background passes; armed again at the new epoch after retaking it, it does.
    fence.disarm();
    assert.throws(() => insert(4), /no longer holds/);
    releaseLease(b, 'B');
    const next = tryAcquire(a, 'A', t0 + TTL + 2, TTL);
    assert.deepEqual(next, { acquired: true, epoch: 3 });
    fence.arm('A', next.epoch, () => lost++);
    insert(5);
    assert.equal(b.prepare('SELECT count(*) FROM audit_log').pluck().get(), 3);
  } finally {
    done();
  }
});
