import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, waitFor } from '../src/wait-for.js';

test('waitFor returns the first value that is not undefined, null or false', async () => {
  let n = 0;
  assert.equal(await waitFor(() => (++n >= 3 ? 0 : undefined), { intervalMs: 1 }), 0);
  assert.equal(n, 3);
});

test('waitFor names what it waited for and the last error', async () => {
  await assert.rejects(
    waitFor(() => {
      throw new Error('not yet');
    }, { timeoutMs: 20, intervalMs: 5, what: 'the thing' }),
    /timed out after 20 ms waiting for the thing: last error: not yet/,
  );
});

test('sleep and waitFor stop when their signal aborts', async () => {
  const ac = new AbortController();
  const waiting = waitFor(() => false, { timeoutMs: 60_000, intervalMs: 10, signal: ac.signal });
  ac.abort(new Error('stop'));
  await assert.rejects(waiting, /stop/);
  await assert.rejects(sleep(10, AbortSignal.abort(new Error('gone'))), /gone/);
});
