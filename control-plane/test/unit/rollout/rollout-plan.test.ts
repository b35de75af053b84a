// Table tests of rollout-level scheduling: canary first, bounded parallelism, stop on a failed canary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRollout, type PlanTenant } from '../../../src/rollout/rollout-plan.js';
import type { RolloutState, RolloutTenantState } from '../../../src/rollout/rollout-types.js';

const tenants = (states: RolloutTenantState[], canary = 0): PlanTenant[] =>
  states.map((state, i) => ({ tenantId: i + 1, slug: `t${i + 1}`, position: i, canary: i < canary, state, reason: state === 'rolled-back' ? 'broken' : null }));
const rollout = (state: RolloutState = 'pending', parallel = 2, cancelRequested = false) => ({ state, parallel, cancelRequested });

test('canary tenants go first, alone, within parallelism', () => {
  const p = planRollout(rollout('pending', 3), tenants(['pending', 'pending', 'pending', 'pending'], 1));
  assert.equal(p.state, 'canary');
  assert.deepEqual(p.start, [1]);
});

test('while the canary rolls, nobody else starts', () => {
  const p = planRollout(rollout('canary', 3), tenants(['rolling', 'pending', 'pending'], 1));
  assert.deepEqual([p.state, p.start], ['canary', []]);
});

test('after a good canary the rest start, bounded by parallelism', () => {
  const p = planRollout(rollout('canary', 2), tenants(['done', 'pending', 'pending', 'pending'], 1));
  assert.deepEqual([p.state, p.start], ['running', [2, 3]]);
  const q = planRollout(rollout('running', 2), tenants(['done', 'rolling', 'pending', 'pending'], 1));
  assert.deepEqual(q.start, [3]);
});

test('a failed canary stops the rollout: remaining tenants are skipped, state failed with the reason', () => {
  const p = planRollout(rollout('canary', 2), tenants(['rolled-back', 'pending', 'pending'], 1));
  assert.equal(p.state, 'failed');
  assert.deepEqual(p.skip, [2, 3]);
  assert.match(p.error ?? '', /canary t1 failed: broken/);
  assert.deepEqual(p.start, []);
});

test('a failed canary waits for the other canaries in flight before failing', () => {
  const p = planRollout(rollout('canary', 2), tenants(['rolled-back', 'rolling', 'pending'], 2));
  assert.equal(p.state, 'canary');
  assert.deepEqual([p.start, p.skip], [[], [3]]);
});

test('without canary everything is eligible; a non-canary failure does not stop others', () => {
  const p = planRollout(rollout('running', 2), tenants(['rolled-back', 'pending', 'pending']));
  assert.deepEqual([p.state, p.start], ['running', [2, 3]]);
});

test('all finished: done, or failed naming the tenants not rolled', () => {
  assert.equal(planRollout(rollout('running'), tenants(['done', 'skipped', 'done'])).state, 'done');
  const p = planRollout(rollout('running'), tenants(['done', 'rolled-back', 'done']));
  assert.equal(p.state, 'failed');
  assert.match(p.error ?? '', /1 of 3 tenants not rolled: t2 \(broken\)/);
});

test('cancel: start nobody, skip the pending, cancelled once nobody is in flight', () => {
  const busy = planRollout(rollout('running', 2, true), tenants(['done', 'rolling-back', 'pending']));
  assert.deepEqual([busy.state, busy.start, busy.skip], ['running', [], [3]]);
  const idle = planRollout(rollout('running', 2, true), tenants(['done', 'rolled-back', 'skipped']));
  assert.equal(idle.state, 'cancelled');
});

test('finished rollouts plan nothing', () => {
  for (const state of ['done', 'failed', 'cancelled'] as const) {
    assert.deepEqual(planRollout(rollout(state), tenants(['pending'])).start, []);
  }
});
