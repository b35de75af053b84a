// When an awake tenant counts as idle (pure): its idle period starts at the latest of its last
// request, creation, readiness, last wake and the hibernator's term start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idleSince, isIdle, sweepIntervalMs } from '../../../src/hibernate/idle.js';
import type { AwakeTenant } from '../../../src/tenants/tenant-store.js';

const t = (over: Partial<AwakeTenant> = {}): AwakeTenant => ({ id: 1, slug: 'acme', createdAt: 1_000, lastRequestAt: null, asleepChangedAt: null, readyAt: null, ...over });
const PERIOD = 60_000;

test('the idle period starts at the latest of request, creation, readiness, wake and term start', () => {
  const cases: [Partial<AwakeTenant>, number, number][] = [
    [{}, 0, 1_000],
    [{ lastRequestAt: 50_000 }, 0, 50_000],
    [{ lastRequestAt: 50_000, readyAt: 70_000 }, 0, 70_000],
    [{ lastRequestAt: 90_000, asleepChangedAt: 80_000 }, 0, 90_000],
    [{ asleepChangedAt: 80_000 }, 0, 80_000],
    [{ lastRequestAt: 50_000 }, 200_000, 200_000],
  ];
  for (const [over, termStart, want] of cases) assert.equal(idleSince(t(over), termStart), want, JSON.stringify(over));
});

test('idle once the whole period has passed; never with a period of 0', () => {
  assert.equal(isIdle(t({ lastRequestAt: 100_000 }), 0, 100_000 + PERIOD - 1, PERIOD), false);
  assert.equal(isIdle(t({ lastRequestAt: 100_000 }), 0, 100_000 + PERIOD, PERIOD), true);
  // A slow start does not eat the period: readiness counts.
  assert.equal(isIdle(t({ createdAt: 0, readyAt: 50_000 }), 0, PERIOD + 1, PERIOD), false);
  assert.equal(isIdle(t(), 0, Number.MAX_SAFE_INTEGER, 0), false);
});

test('the hibernator looks (and the web side flushes) every quarter period, between 250 ms and 30 s', () => {
  assert.equal(sweepIntervalMs(900_000), 30_000);
  assert.equal(sweepIntervalMs(60_000), 15_000);
  assert.equal(sweepIntervalMs(3_000), 750);
  assert.equal(sweepIntervalMs(500), 250);
});
