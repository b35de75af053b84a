// Event-loop lag from one timer: against the real loop, blocked on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@berth/common/wait-for';
import { createLoopLag } from '../../../src/metrics/loop-lag.js';

function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* the loop is stuck here */ }
}

test('a blocked loop shows as lag, also in a read right after another', async (t) => {
  const lag = createLoopLag({ intervalMs: 50, keep: 20 });
  t.after(() => lag.stop());
  // Right after start: the pending timer is the only sample, and it is not late.
  assert.ok(lag.recent().max < 0.05);
  block(300);
  // The timer is overdue now, before it has fired: a read sees it.
  assert.ok(lag.recent().max >= 0.2, `max ${lag.recent().max}`);
  // Once it fired the sample is kept (later on-time ticks bring the median down, not the max),
  // so two reads in a row both see it.
  await waitFor(() => lag.recent().p50 < 0.2 && lag.recent().max >= 0.2, { timeoutMs: 2000, what: 'the late tick kept among on-time ones' });
  const first = lag.recent();
  const second = lag.recent();
  assert.ok(first.max >= 0.2 && second.max >= 0.2);
});

test('samples older than the kept window leave', async (t) => {
  const lag = createLoopLag({ intervalMs: 20, keep: 5 });
  t.after(() => lag.stop());
  block(200);
  await waitFor(() => lag.recent().max >= 0.15, { timeoutMs: 2000, what: 'the stall seen' });
  await waitFor(() => lag.recent().max < 0.15, { timeoutMs: 5000, what: 'the stall out of the window' });
});
