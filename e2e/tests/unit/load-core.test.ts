// The pure parts of the rollout proof: request mix, ledger comparison, percentiles, access-log
// summary and the "unrouted before stopped" judgement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf, isBusyAnswer, errorCodeOf } from '../../src/load/load-generator.js';
import { WriteLedger, compareLedger, countSequences } from '../../src/load/write-ledger.js';
import { percentile, summarise, splitByIntervals } from '../../src/load/latency-stats.js';
import { parseAccessLog, summariseAccess, isTenantRouter } from '../../src/load/access-log.js';
import { checkStopOrder, stopTimes } from '../../src/load/unroute-order.js';
import type { RouteSnapshot } from '../../src/load/route-watch.js';

test('the request mix spreads writes and slow queries over each 20 requests', () => {
  const kinds = Array.from({ length: 40 }, (_, n) => kindOf(n, 6, 1));
  const count = (k: string) => kinds.filter((x) => x === k).length;
  assert.equal(count('slow'), 2);
  assert.ok(count('write') >= 10 && count('write') <= 12, `writes: ${count('write')}`);
  assert.equal(kinds.length - count('slow') - count('write'), count('read'));
  assert.deepEqual(Array.from({ length: 20 }, (_, n) => kindOf(n, 0, 0)), Array(20).fill('read'));
});

test('busy answers and error codes are recognised', () => {
  const body = JSON.stringify({ error: { code: 'TOO_BUSY', message: 'the database is busy; retry shortly', details: { sqlite: 'SQLITE_BUSY_SNAPSHOT' } } });
  assert.equal(isBusyAnswer(body), true);
  assert.equal(errorCodeOf(body), 'TOO_BUSY');
  assert.equal(isBusyAnswer(JSON.stringify({ error: { code: 'TOO_BUSY', message: 'too many queries are waiting' } })), false);
  assert.equal(errorCodeOf('<html>'), undefined);
});

test('the ledger finds lost and duplicated writes and tolerates unacknowledged ones', () => {
  const ledger = new WriteLedger();
  assert.equal(ledger.reserve('a', 3), 0);
  assert.equal(ledger.reserve('a', 2), 3);
  ledger.acknowledge('a', 0, 3);
  ledger.acknowledge('a', 3, 1); // seq 4 failed at the client
  const stored = new Map([['a', countSequences('0,1,1,3,4')]]);
  const cmp = compareLedger(ledger, stored);
  assert.deepEqual(cmp.lost, [{ client: 'a', seq: 2 }]);
  assert.deepEqual(cmp.duplicates, [{ client: 'a', seq: 1, count: 2 }]);
  assert.equal(cmp.unacknowledgedStored, 1);
  assert.equal(cmp.acknowledged, 4);
  assert.equal(countSequences(null).size, 0);
});

test('percentiles and windows', () => {
  assert.equal(percentile([], 99), 0);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
  const recs = [{ startedAt: 5, ms: 10, ok: true }, { startedAt: 15, ms: 30, ok: false }, { startedAt: 25, ms: 20, ok: true }];
  const { inside, outside } = splitByIntervals(recs, [{ from: 10, to: 20 }]);
  assert.equal(inside.length, 1);
  assert.deepEqual(summarise(outside), { requests: 2, failed: 0, p50Ms: 10, p99Ms: 20, maxMs: 20 });
  assert.equal(summarise(inside).failed, 1);
});

test('the access log summary counts 5xx and retries of the tenant routers in the window', () => {
  const line = (router: string, status: number, at: string, retries = 0) =>
    JSON.stringify({ RouterName: router, DownstreamStatus: status, OriginStatus: status, RetryAttempts: retries, StartUTC: at, ServiceURL: 'http://10.0.0.2:8080' });
  const text = [
    line('t-a@file', 200, '2025-01-01T00:00:01Z'),
    line('t-a@file', 502, '2025-01-01T00:00:02Z', 1),
    line('t-a.health@file', 503, '2025-01-01T00:00:03Z'),
    line('t-a-health@file', 500, '2025-01-01T00:00:03Z'),
    line('t-ab@file', 500, '2025-01-01T00:00:02Z'),
    line('berth-cp@file', 500, '2025-01-01T00:00:02Z'),
    line('t-a@file', 500, '2025-01-01T00:01:00Z'),
    '{"partial',
  ].join('\n');
  const s = summariseAccess(parseAccessLog(text), ['a'], Date.parse('2025-01-01T00:00:00Z'), Date.parse('2025-01-01T00:00:30Z'));
  assert.equal(s.requests, 3);
  assert.equal(s.status5xx, 2);
  assert.equal(s.retried, 1);
  assert.equal(isTenantRouter('t-ab@file', ['a']), false);
  assert.equal(isTenantRouter('t-a-health@file', ['a']), false, 'tenant a-health\'s router, not a\'s');
});

test('a container stopped while still routed is caught; one unrouted first passes', () => {
  const snap = (sentAt: number, urls: string[]): RouteSnapshot => ({ sentAt, receivedAt: sentAt + 2, servers: new Map([['t-a', urls]]) });
  const old = 'http://10.0.0.2:8080';
  const neu = 'http://10.0.0.3:8080';
  const snapshots = [snap(0, [old]), snap(100, [neu, old]), snap(200, [neu]), snap(400, [old])];
  const urls = new Map([['c-old', old], ['c-new', neu], ['c-never', 'http://10.0.0.9:8080']]);
  const good = checkStopOrder(snapshots, [{ id: 'c-old', action: 'kill', at: 300, name: '' }, { id: 'c-old', action: 'die', at: 310, name: '' }], urls);
  assert.deepEqual(good.map((o) => o.ok), [true]);
  assert.equal(good[0]!.unroutedBy, 202);
  // Still in the route at its stop (removed only afterwards): a violation.
  const bad = checkStopOrder(snapshots, [{ id: 'c-new', action: 'kill', at: 350, name: '' }], urls);
  assert.deepEqual(bad.map((o) => o.ok), [false]);
  const early = checkStopOrder(snapshots, [{ id: 'c-old', action: 'kill', at: 150, name: '' }], urls);
  assert.deepEqual(early.map((o) => o.ok), [false]);
  assert.deepEqual(checkStopOrder(snapshots, [{ id: 'c-never', action: 'die', at: 50, name: '' }], urls), []);
  assert.equal(stopTimes([{ id: 'x', action: 'die', at: 9, name: '' }, { id: 'x', action: 'kill', at: 5, name: '' }]).get('x'), 5);
});
