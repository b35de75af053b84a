// The admin page's process card: every process of the register with its role, version, pid,
// address, state and last seen, the lease holder named, every value escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processTable } from '../../../src/pages/process-table.js';

test('the process card lists every process and names the lease holder', () => {
  const now = 100_000;
  const p = (id: string, port: number, state: 'serving' | 'silent', lastSeen: number) =>
    ({ id, pid: 7, version: '0.1.0 (abc)', role: 'all', url: `http://127.0.0.1:${port}`, startedAt: 0, lastSeen, state });
  const out = String(processTable({
    lease: { holder: 'web-1/7/aa', epoch: 3, expiresAt: now + 5000, renewedAt: now - 2000 },
    processes: [p('web-1/7/aa', 8088, 'serving', now - 400), p('web-2/<b>/bb', 8089, 'silent', now - 30_000)],
    now,
  }));
  assert.match(out, /Processes \(2\)/);
  assert.match(out, /lease held by web-1\/7\/aa \(epoch 3\), renewed 2 s ago/);
  assert.match(out, /web-1\/7\/aa \(lease holder\)<\/td><td>all<\/td><td>0\.1\.0 \(abc\)<\/td><td>7<\/td><td>http:\/\/127\.0\.0\.1:8088<\/td><td>serving<\/td><td>just now/);
  assert.match(out, /web-2\/&lt;b&gt;\/bb<\/td>.*<td>silent<\/td><td>30 s ago/);
  assert.match(String(processTable({ lease: { holder: 'x', epoch: 1, expiresAt: 0, renewedAt: now - 1000 }, processes: [], now })), /lease free \(last held by x/);
});
