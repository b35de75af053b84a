// The lease's pure rules, one table each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRenewalLate, isTakeable, leaseHealth, processState, stepAfterAttempt, type LeaseRow } from '../../../src/lease/lease-decisions.js';

const timing = { ttlMs: 10_000, renewMs: 3_000 };

test('stepAfterAttempt: start on a first hold, stop on a failed or late renewal, else keep', () => {
  const cases: [holding: boolean, acquired: boolean, late: boolean, step: string][] = [
    [false, false, false, 'keep-waiting'],
    [false, true, false, 'start'],
    [true, true, false, 'keep-holding'],
    [true, false, false, 'stop'],
    [true, true, true, 'stop'],
    [true, false, true, 'stop'],
  ];
  for (const [holding, acquired, late, step] of cases) assert.equal(stepAfterAttempt({ holding, acquired, late }), step, JSON.stringify({ holding, acquired, late }));
});

test('isRenewalLate: late past the renew period plus half the TTL (3 s + 5 s), still before the lease expires', () => {
  const cases: [sinceLastMs: number, late: boolean][] = [[0, false], [3_000, false], [8_000, false], [8_001, true], [60_000, true]];
  for (const [since, late] of cases) assert.equal(isRenewalLate(1_000_000, 1_000_000 + since, timing), late, `${since} ms`);
  assert.ok(timing.renewMs + timing.ttlMs / 2 < timing.ttlMs);
});

test('isTakeable: no row, an expired or released row; never a live one', () => {
  const row = (expiresAt: number): LeaseRow => ({ holder: 'a', epoch: 3, expiresAt, renewedAt: 0 });
  assert.equal(isTakeable(null, 100), true);
  assert.equal(isTakeable(row(0), 100), true);
  assert.equal(isTakeable(row(99), 100), true);
  assert.equal(isTakeable(row(100), 100), false);
  assert.equal(isTakeable(row(5_000), 100), false);
});

test('leaseHealth: names the holder and its last renewal; red when nobody held it for two TTLs', () => {
  const now = 1_000_000;
  assert.equal(leaseHealth(null, now, timing).ok, false);
  const held = leaseHealth({ holder: 'cp-a/12/ab', epoch: 4, expiresAt: now + 7_000, renewedAt: now - 3_000 }, now, timing);
  assert.deepEqual(held, { ok: true, detail: 'held by cp-a/12/ab (epoch 4), last renewed 3000 ms ago' });
  const expired = leaseHealth({ holder: 'cp-a/12/ab', epoch: 4, expiresAt: now - 5_000, renewedAt: now - 15_000 }, now, timing);
  assert.equal(expired.ok, true, 'one TTL past expiry is still inside two TTLs');
  assert.match(expired.detail, /expired, last held by cp-a/);
  const dead = leaseHealth({ holder: 'cp-a/12/ab', epoch: 4, expiresAt: now - 10_001, renewedAt: now - 20_001 }, now, timing);
  assert.equal(dead.ok, false);
  assert.match(dead.detail, /limit 20000 ms/);
  assert.match(leaseHealth({ holder: 'b', epoch: 5, expiresAt: 0, renewedAt: now - 100 }, now, timing).detail, /released by b/);
});

test('processState: serving while its heartbeat is within three periods', () => {
  assert.equal(processState(1_000, 1_000 + 9_000, 3_000), 'serving');
  assert.equal(processState(1_000, 1_000 + 9_001, 3_000), 'silent');
});
