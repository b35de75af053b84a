// What people see of a tenant's state: the reconciler's last observation, corrected by a wake or
// a sleep decided since (the waker answers a woken instance's requests before the next full pass
// records it running).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayState } from '../../../src/tenants/tenant-views.js';

test('a wake or a sleep shows from the moment it is decided; otherwise the observation', () => {
  assert.equal(displayState('running', 'hibernated', false), 'waking', 'woken, not yet observed awake');
  assert.equal(displayState('running', 'hibernating', false), 'waking');
  assert.equal(displayState('running', 'hibernated', true), 'hibernated');
  assert.equal(displayState('running', 'running', true), 'hibernating', 'decided asleep, not yet observed stopping');
  assert.equal(displayState('running', 'running', false), 'running');
  assert.equal(displayState('running', null, false), 'creating');
  assert.equal(displayState('running', null, true), 'creating');
  assert.equal(displayState('deleted', 'running', false), 'deleting');
  assert.equal(displayState('deleted', 'deleted', false), null);
});
