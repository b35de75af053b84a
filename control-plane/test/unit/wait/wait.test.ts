// The pacing of background loops: the waker (sleep until woken, a deadline or shutdown), the
// retry backoff, and the abortable pause between polls that they share with the rest of berth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@berth/common/wait-for';
import { backoffMs } from '../../../src/wait/backoff.js';
import { createWaker } from '../../../src/wait/waker.js';

test('a wake during a wait ends it; a wake while busy makes the next wait return at once', async () => {
  const w = createWaker();
  const signal = new AbortController().signal;
  const t0 = Date.now();
  setTimeout(() => w.wake(), 20);
  await w.wait(5000, signal);
  assert.ok(Date.now() - t0 < 1000);
  w.wake();
  const t1 = Date.now();
  await w.wait(5000, signal);
  assert.ok(Date.now() - t1 < 50);
});

test('abort ends a wait', async () => {
  const w = createWaker();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  const t0 = Date.now();
  await w.wait(5000, ac.signal);
  assert.ok(Date.now() - t0 < 1000);
});

test('backoff doubles from 250 ms and is capped at 30 s', () => {
  assert.deepEqual([1, 2, 3, 4, 10, 50].map((n) => backoffMs(n)), [250, 500, 1000, 2000, 30_000, 30_000]);
  assert.deepEqual([1, 2, 6].map((n) => backoffMs(n, { baseMs: 200, maxMs: 5000 })), [200, 400, 5000]);
});

test('an aborted sleep rejects with the abort reason (background loops rely on it to stop)', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('stop')), 20);
  await assert.rejects(sleep(60_000, ac.signal), /stop/);
  await assert.rejects(sleep(10, ac.signal), /stop/);
});
