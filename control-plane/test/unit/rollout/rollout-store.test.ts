// The rollout tables on a real SQLite file: selection, canary marking, locks, finishing, events.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, writeTx, type Db } from '../../../src/db/open-database.js';
import { BerthError } from '../../../src/errors.js';
import {
  appendEvent, createRollout, eventsAfter, finishTenant, getRollout, listRolloutTenants, lockedTenantIds, lockTenant, requestCancel, setRolloutState,
} from '../../../src/rollout/rollout-store.js';
import { insertTenant, markTenantDeleted } from '../../../src/tenants/tenant-store.js';

const HOUR = 3600_000;

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-rollout-store-'));
  db = openDatabase(join(dir, 'berth.db'));
  db.prepare("INSERT INTO users (email, password_hash, is_admin, created_at) VALUES ('a@x.test', 'h', 1, 0)").run();
  writeTx(db, () => {
    for (const [slug, image] of [['charlie', 'berth/tenant:v1'], ['alpha', 'berth/tenant:v1'], ['bravo', 'berth/tenant:v2'], ['gone', 'berth/tenant:v1']] as const) {
      const id = insertTenant(db, { slug, ownerId: 1, image }, 0);
      if (slug === 'gone') markTenantDeleted(db, id, HOUR, 0);
    }
  });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const input = { image: 'berth/tenant:v2', tenants: null, canary: 1, parallel: 2, unsafe: null, createdBy: 'test' };

test('all running tenants in slug order; the canary is the first that needs rolling; same image is skipped', () => {
  const r = createRollout(db, input, 1);
  const ts = listRolloutTenants(db, r.id);
  assert.deepEqual(ts.map((t) => [t.slug, t.state, t.canary]), [['alpha', 'pending', true], ['bravo', 'skipped', false], ['charlie', 'pending', false]]);
  assert.match(ts[1]!.reason ?? '', /already runs/);
  assert.equal(r.state, 'pending');
});

test('a list of slugs: unknown or deleted ones are refused with the field named', () => {
  assert.throws(() => createRollout(db, { ...input, tenants: ['alpha', 'gone', 'nope'] }), (e: BerthError) => e.code === 'VALIDATION_FAILED' && /gone, nope/.test(e.message));
  const r = createRollout(db, { ...input, tenants: ['charlie'] }, 1);
  assert.deepEqual(listRolloutTenants(db, r.id).map((t) => t.slug), ['charlie']);
});

test('one active rollout at a time', () => {
  const r = createRollout(db, input, 1);
  assert.throws(() => createRollout(db, input, 2), (e: BerthError) => e.code === 'ROLLOUT_IN_PROGRESS');
  setRolloutState(db, r.id, 'done', null, 3);
  assert.doesNotThrow(() => createRollout(db, input, 4));
});

test('lock, finish with commit: desired image and generation move, lock released, audit written', () => {
  const r = createRollout(db, input, 1);
  const alpha = listRolloutTenants(db, r.id)[0]!;
  assert.equal(lockTenant(db, r.id, alpha.tenantId, { state: 'rolling', toGeneration: 2 }, 2), true);
  assert.deepEqual([...lockedTenantIds(db)], [alpha.tenantId]);
  finishTenant(db, r.id, alpha.tenantId, { state: 'done' }, { image: 'berth/tenant:v2', generation: 2 }, 3);
  assert.deepEqual([...lockedTenantIds(db)], []);
  assert.deepEqual(db.prepare('SELECT image, generation FROM tenants WHERE id = ?').get(alpha.tenantId), { image: 'berth/tenant:v2', generation: 2 });
  assert.equal(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'tenant.image'").pluck().get(), 1);
});

test('a finished rollout holds no locks; cancel is refused once finished', () => {
  const r = createRollout(db, input, 1);
  const alpha = listRolloutTenants(db, r.id)[0]!;
  lockTenant(db, r.id, alpha.tenantId, { state: 'rolling' }, 2);
  requestCancel(db, r.id);
  assert.equal(getRollout(db, r.id)!.cancelRequested, true);
  setRolloutState(db, r.id, 'cancelled', null, 3);
  assert.equal(lockedTenantIds(db).size, 0);
  assert.throws(() => requestCancel(db, r.id), (e: BerthError) => e.code === 'CONFLICT');
});

test('events are append-only, ordered, with increasing sub-millisecond times', () => {
  const r = createRollout(db, input, 1);
  const a = appendEvent(db, r.id, 'alpha', 'old-unrouted', 'milestone', 'x');
  const b = appendEvent(db, r.id, 'alpha', 'old-stop-called', 'milestone', 'y');
  assert.ok(b.at > a.at);
  const all = eventsAfter(db, r.id, 0);
  assert.deepEqual(all.slice(-2).map((e) => e.step), ['old-unrouted', 'old-stop-called']);
  assert.deepEqual(eventsAfter(db, r.id, a.id).map((e) => e.id), [b.id]);
});
