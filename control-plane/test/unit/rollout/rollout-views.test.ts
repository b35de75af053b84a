// Views and the CLI's small parsers: step timings from the event log, one-line tenant
// descriptions, the SSE reader, the tenants table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countTenants, describeTenant, stepTimings } from '../../../src/rollout/rollout-views.js';
import { renderSse } from '../../../src/rollout/rollout-feed.js';
import { readSse } from '../../../src/cli/sse-reader.js';
import { formatTable } from '../../../src/cli/tenants-command.js';
import type { RolloutEvent } from '../../../src/rollout/rollout-types.js';

const ev = (id: number, step: string, phase: RolloutEvent['phase'], at: number, detail: string | null = null): RolloutEvent => ({ id, rolloutId: 1, slug: 'a', at, step, phase, detail });

test('step timings pair start with end or fail, keep retries, ignore milestones', () => {
  const timings = stepTimings([
    ev(1, 'lock', 'start', 10), ev(2, 'lock', 'end', 12, 'old'),
    ev(3, 'route-new', 'start', 20), ev(4, 'old-unrouted', 'milestone', 25), ev(5, 'route-new', 'end', 30),
    ev(6, 'stop-old', 'start', 40), ev(7, 'stop-old', 'fail', 41, 'boom'), ev(8, 'stop-old', 'start', 50),
  ]);
  assert.deepEqual(timings.map((s) => [s.step, s.startedAt, s.endedAt, s.outcome]), [
    ['lock', 10, 12, 'ok'], ['route-new', 20, 30, 'ok'], ['stop-old', 40, 41, 'failed'], ['stop-old', 50, null, 'running'],
  ]);
});

test('counts and one-line descriptions', () => {
  assert.deepEqual(countTenants([{ state: 'done' }, { state: 'rolling-back' }, { state: 'pending' }, { state: 'rolled-back' }]), {
    total: 4, pending: 1, rolling: 1, done: 1, rolledBack: 1, failed: 0, skipped: 0,
  });
  const t = { slug: 'acme', state: 'done' as const, step: null, reason: null, fromImage: 'berth/tenant:v1' };
  assert.equal(describeTenant(t, 'berth/tenant:v2'), 'acme: v1 → v2 done');
  assert.equal(describeTenant({ ...t, state: 'rolled-back', reason: 'wait-ready: timeout' }, 'berth/tenant:v2'), 'acme: rolled back, still on v1: wait-ready: timeout');
  assert.equal(describeTenant({ ...t, state: 'rolling', step: 'probe-edge' }, 'berth/tenant:v2'), 'acme: v1 → v2 · probe-edge');
});

test('the CLI reads back what the server writes, across chunk boundaries', async () => {
  const text = renderSse({ type: 'step', event: ev(7, 'lock', 'start', 1.5) }) + renderSse({ type: 'ping' }) +
    renderSse({ type: 'end', rollout: { id: 1 } as never });
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
      c.close();
    },
  });
  const got = [];
  for await (const m of readSse(body)) got.push(m);
  assert.deepEqual(got.map((m) => [m.id, m.event]), [['7', 'step'], [null, 'end']]);
  assert.equal(JSON.parse(got[0]!.data).at, 1.5);
});

test('tenants table aligns columns and trims trailing space', () => {
  assert.equal(formatTable(['A', 'BB', 'C'], [['xyz', 'y', ''], ['q', 'long', 'z']]), 'A    BB    C\nxyz  y\nq    long  z\n');
});
