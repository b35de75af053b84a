// Table tests of the per-tenant state machine: order, rollback decisions, resume decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideAfterFailure, decideAfterSuccess, decideResume, forwardSteps, isPastNoReturn, MAX_FORWARD_ATTEMPTS, MAX_ROLLBACK_ATTEMPTS, rollbackEntry,
} from '../../../src/rollout/tenant-steps.js';
import type { ForwardStep, Step, RolloutTenantState, UnsafeMode } from '../../../src/rollout/rollout-types.js';

test('safe order: traffic moves before the old container is drained and stopped', () => {
  const order = forwardSteps(null);
  const at = (s: ForwardStep) => order.indexOf(s);
  assert.deepEqual(order, ['lock', 'snapshot', 'start-new', 'wait-ready', 'route-both', 'probe-edge', 'route-new', 'drain-old', 'stop-old', 'commit', 'verify']);
  assert.ok(at('wait-ready') < at('route-both'), 'F1: routed only once ready');
  assert.ok(at('route-both') < at('route-new'), 'F6: the new server is added before the old one is removed');
  assert.ok(at('route-new') < at('drain-old') && at('drain-old') < at('stop-old'), 'F2/F4: unrouted, drained, then stopped');
});

test('unsafe controls break exactly one rule each', () => {
  const noDrain = forwardSteps('no-drain');
  assert.ok(!noDrain.includes('drain-old'));
  const early = forwardSteps('stop-before-unroute');
  assert.ok(early.indexOf('stop-old') < early.indexOf('route-new'));
});

test('success moves forward, then finishes done (committing) or rolled-back', () => {
  const cases: [Step, UnsafeMode | null, string][] = [
    ['lock', null, 'step:snapshot:rolling'],
    ['probe-edge', null, 'step:route-new:rolling'],
    ['route-new', 'no-drain', 'step:stop-old:rolling'],
    ['probe-edge', 'stop-before-unroute', 'step:stop-old:rolling'],
    ['verify', null, 'finish:done:true'],
    ['rollback-route', null, 'step:rollback-drain-new:rolling-back'],
    ['rollback-remove-new', null, 'step:rollback-release:rolling-back'],
    ['rollback-release', null, 'finish:rolled-back:false'],
  ];
  for (const [step, unsafe, want] of cases) {
    const d = decideAfterSuccess(step, unsafe);
    const got = d.kind === 'step' ? `step:${d.step}:${d.state}` : d.kind === 'finish' ? `finish:${d.state}:${d.commitDesired}` : 'retry';
    assert.equal(got, want, `${step} (${unsafe})`);
  }
});

test('failure before the stop rolls back only what was done', () => {
  const cases: [ForwardStep, string][] = [
    ['lock', 'rollback-release'],
    ['snapshot', 'rollback-release'],
    ['start-new', 'rollback-remove-new'],
    ['wait-ready', 'rollback-remove-new'],
    ['route-both', 'rollback-route'],
    ['probe-edge', 'rollback-route'],
    ['route-new', 'rollback-route'],
    ['drain-old', 'rollback-route'],
  ];
  for (const [step, entry] of cases) {
    const d = decideAfterFailure(step, null, 1, 'boom');
    assert.equal(d.kind, 'step', step);
    assert.equal(d.kind === 'step' && d.step, entry, step);
    assert.equal(d.kind === 'step' && d.state, 'rolling-back');
    assert.match(d.kind === 'step' ? d.reason ?? '' : '', new RegExp(`${step}: boom`));
    assert.equal(rollbackEntry(step, null), entry);
  }
});

test('failure after the stop is retried, then finished forward as failed with the new image desired', () => {
  for (const step of ['stop-old', 'commit', 'verify'] as const) {
    assert.equal(isPastNoReturn(step, null), true);
    assert.equal(decideAfterFailure(step, null, 1, 'x').kind, 'retry');
    const last = decideAfterFailure(step, null, MAX_FORWARD_ATTEMPTS, 'x');
    assert.deepEqual(last.kind === 'finish' && [last.state, last.commitDesired], ['failed', true]);
  }
  // With stop-before-unroute, route-new comes after the stop: no going back from it.
  assert.equal(isPastNoReturn('route-new', 'stop-before-unroute'), true);
  assert.equal(isPastNoReturn('route-new', null), false);
});

test('a rollback step is retried, then the tenant is left failed to the reconciler (old desired state kept)', () => {
  assert.equal(decideAfterFailure('rollback-route', null, 1, 'x').kind, 'retry');
  const d = decideAfterFailure('rollback-route', null, MAX_ROLLBACK_ATTEMPTS, 'traefik down');
  assert.deepEqual(d.kind === 'finish' && [d.state, d.commitDesired], ['failed', false]);
});

test('resume decisions from persisted state and observed containers', () => {
  type Row = [RolloutTenantState, Step | null, boolean, boolean, string];
  const cases: Row[] = [
    // state, step, old running, new running → decision
    ['pending', null, true, false, 'none'],
    ['done', null, false, true, 'none'],
    ['rolling', 'lock', false, false, 'step:lock:rolling'],
    ['rolling', 'snapshot', true, false, 'step:snapshot:rolling'],
    ['rolling', 'snapshot', false, false, 'finish:failed'],
    ['rolling', 'start-new', true, false, 'step:start-new:rolling'],
    ['rolling', 'start-new', true, true, 'step:start-new:rolling'],
    ['rolling', 'wait-ready', true, true, 'step:wait-ready:rolling'],
    ['rolling', 'wait-ready', true, false, 'step:rollback-remove-new:rolling-back'],
    ['rolling', 'probe-edge', true, true, 'step:probe-edge:rolling'],
    ['rolling', 'probe-edge', true, false, 'step:rollback-route:rolling-back'],
    ['rolling', 'route-both', false, true, 'step:route-new:rolling'],
    ['rolling', 'drain-old', false, true, 'step:drain-old:rolling'],
    ['rolling', 'route-new', false, false, 'finish:failed'],
    ['rolling', 'stop-old', false, true, 'step:stop-old:rolling'],
    ['rolling', 'commit', false, true, 'step:commit:rolling'],
    ['rolling', 'verify', false, true, 'step:verify:rolling'],
    ['rolling-back', 'rollback-remove-new', true, true, 'step:rollback-remove-new:rolling-back'],
    ['rolling-back', 'rollback-route', true, true, 'step:rollback-route:rolling-back'],
  ];
  for (const [state, step, oldRunning, newRunning, want] of cases) {
    const d = decideResume({ state, step }, { oldRunning, newRunning }, null);
    const got = d === null ? 'none' : d.kind === 'step' ? `step:${d.step}:${d.state}` : d.kind === 'finish' ? `finish:${d.state}` : 'retry';
    assert.equal(got, want, `${state}/${step} old=${oldRunning} new=${newRunning}`);
  }
});

test('resume with stop-before-unroute hands over at the stop, which precedes route-new', () => {
  const d = decideResume({ state: 'rolling', step: 'probe-edge' }, { oldRunning: false, newRunning: true }, 'stop-before-unroute');
  assert.deepEqual(d?.kind === 'step' && d.step, 'stop-old');
});
