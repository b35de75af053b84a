// The one write path for rollout state in the control plane's SQLite: rollouts, their
// tenants, the append-only event log and the per-tenant locks the reconciler respects.
// Every write is a short BEGIN IMMEDIATE transaction (writeTx).
import { performance } from 'node:perf_hooks';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { listRunningTenants, setDesiredImage } from '../tenants/tenant-store.js';
import {
  ACTIVE_ROLLOUT_STATES, type EventPhase, type Rollout, type RolloutEvent, type RolloutState, type RolloutTenant, type Step,
  type RolloutTenantState, type UnsafeMode,
} from './rollout-types.js';

/** Unix ms with sub-millisecond precision, monotonic within the process. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface NewRollout {
  readonly image: string;
  readonly tenants: readonly string[] | null;
  readonly canary: number;
  readonly parallel: number;
  readonly unsafe: UnsafeMode | null;
  readonly createdBy: string;
}

/**
 * Records a rollout and its tenants (in slug order; the first `canary` tenants that need
 * rolling go first). One active rollout at a time: two would fight over tenants and parallelism.
 */
export function createRollout(db: Db, input: NewRollout, now: number): Rollout {
  return writeTx(db, () => {
    const active = db.prepare(`SELECT id FROM rollouts WHERE state IN (${ACTIVE_ROLLOUT_STATES.map(() => '?').join(',')})`).pluck().get(...ACTIVE_ROLLOUT_STATES);
    if (active !== undefined) throw new BerthError('ROLLOUT_IN_PROGRESS', `rollout ${active} is still in progress; wait for it or cancel it`, { rolloutId: active });
    const all = listRunningTenants(db);
    let chosen = all;
    if (input.tenants) {
      const bySlug = new Map(all.map((t) => [t.slug, t]));
      const unknown = input.tenants.filter((s) => !bySlug.has(s));
      if (unknown.length > 0) throw new BerthError('VALIDATION_FAILED', `no running tenant named ${unknown.join(', ')}`, { field: 'tenants', unknown });
      chosen = [...new Set(input.tenants)].sort().map((s) => bySlug.get(s)!);
    }
    if (chosen.length === 0) throw new BerthError('VALIDATION_FAILED', 'there is no running tenant to roll', { field: 'tenants' });
    const info = db
      .prepare('INSERT INTO rollouts (image, state, selection, canary, parallel, unsafe, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(input.image, 'pending', input.tenants ? JSON.stringify(input.tenants) : null, input.canary, input.parallel, input.unsafe, input.createdBy, now);
    const id = Number(info.lastInsertRowid);
    const insert = db.prepare(
      'INSERT INTO rollout_tenants (rollout_id, tenant_id, slug, position, canary, state, from_image, reason, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let canaries = 0;
    chosen.forEach((t, position) => {
      const already = t.image === input.image;
      const canary = !already && canaries < input.canary;
      if (canary) canaries++;
      insert.run(id, t.id, t.slug, position, canary ? 1 : 0, already ? 'skipped' : 'pending', t.image, already ? `already runs ${input.image}` : null, now, already ? now : null);
    });
    insertEvent(db, id, null, 'rollout', 'state', `pending: ${input.image} to ${chosen.length} tenant(s), canary ${canaries}, parallel ${input.parallel}${input.unsafe ? `, UNSAFE ${input.unsafe}` : ''}`);
    return getRollout(db, id)!;
  });
}

interface RolloutRow {
  id: number; image: string; state: RolloutState; selection: string | null; canary: number; parallel: number; unsafe: UnsafeMode | null;
  cancel_requested: number; created_by: string; created_at: number; started_at: number | null; finished_at: number | null; error: string | null;
}

const toRollout = (r: RolloutRow): Rollout => ({
  id: r.id, image: r.image, state: r.state, selection: r.selection ? (JSON.parse(r.selection) as string[]) : null, canary: r.canary,
  parallel: r.parallel, unsafe: r.unsafe, cancelRequested: r.cancel_requested === 1, createdBy: r.created_by, createdAt: r.created_at,
  startedAt: r.started_at, finishedAt: r.finished_at, error: r.error,
});

export function getRollout(db: Db, id: number): Rollout | null {
  const row = db.prepare('SELECT * FROM rollouts WHERE id = ?').get(id) as RolloutRow | undefined;
  return row ? toRollout(row) : null;
}

export function listRollouts(db: Db, limit = 50): Rollout[] {
  return (db.prepare('SELECT * FROM rollouts ORDER BY id DESC LIMIT ?').all(limit) as RolloutRow[]).map(toRollout);
}

export function activeRollouts(db: Db): Rollout[] {
  const rows = db.prepare(`SELECT * FROM rollouts WHERE state IN (${ACTIVE_ROLLOUT_STATES.map(() => '?').join(',')}) ORDER BY id`).all(...ACTIVE_ROLLOUT_STATES);
  return (rows as RolloutRow[]).map(toRollout);
}

interface TenantProgressRow {
  rollout_id: number; tenant_id: number; slug: string; position: number; canary: number; state: RolloutTenantState; step: Step | null;
  from_image: string | null; from_generation: number | null; to_generation: number | null; old_container_id: string | null;
  old_url: string | null; new_container_id: string | null; new_url: string | null; reason: string | null; started_at: number | null;
  finished_at: number | null;
}

const toRolloutTenant = (r: TenantProgressRow): RolloutTenant => ({
  rolloutId: r.rollout_id, tenantId: r.tenant_id, slug: r.slug, position: r.position, canary: r.canary === 1, state: r.state, step: r.step,
  fromImage: r.from_image, fromGeneration: r.from_generation, toGeneration: r.to_generation, oldContainerId: r.old_container_id,
  oldUrl: r.old_url, newContainerId: r.new_container_id, newUrl: r.new_url, reason: r.reason, startedAt: r.started_at, finishedAt: r.finished_at,
});

export function listRolloutTenants(db: Db, rolloutId: number): RolloutTenant[] {
  const rows = db.prepare('SELECT * FROM rollout_tenants WHERE rollout_id = ? ORDER BY position').all(rolloutId) as TenantProgressRow[];
  return rows.map(toRolloutTenant);
}

export function getRolloutTenant(db: Db, rolloutId: number, tenantId: number): RolloutTenant | null {
  const row = db.prepare('SELECT * FROM rollout_tenants WHERE rollout_id = ? AND tenant_id = ?').get(rolloutId, tenantId) as TenantProgressRow | undefined;
  return row ? toRolloutTenant(row) : null;
}

export type TenantPatch = Partial<Pick<RolloutTenant,
  'state' | 'step' | 'fromImage' | 'fromGeneration' | 'toGeneration' | 'oldContainerId' | 'oldUrl' | 'newContainerId' | 'newUrl' | 'reason' | 'startedAt' | 'finishedAt'>>;

const COLUMN: Record<keyof TenantPatch, string> = {
  state: 'state', step: 'step', fromImage: 'from_image', fromGeneration: 'from_generation', toGeneration: 'to_generation',
  oldContainerId: 'old_container_id', oldUrl: 'old_url', newContainerId: 'new_container_id', newUrl: 'new_url', reason: 'reason',
  startedAt: 'started_at', finishedAt: 'finished_at',
};

export function updateRolloutTenant(db: Db, rolloutId: number, tenantId: number, patch: TenantPatch, now: number): void {
  writeTx(db, () => patchTenant(db, rolloutId, tenantId, patch, now));
}

function patchTenant(db: Db, rolloutId: number, tenantId: number, patch: TenantPatch, now: number): void {
  const keys = Object.keys(patch) as (keyof TenantPatch)[];
  const sets = keys.map((k) => `${COLUMN[k]} = ?`);
  db.prepare(`UPDATE rollout_tenants SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE rollout_id = ? AND tenant_id = ?`)
    .run(...keys.map((k) => patch[k] ?? null), now, rolloutId, tenantId);
}

/**
 * Takes the tenant's lock and marks it rolling, atomically. False if another rollout holds
 * it (cannot happen with one active rollout, but the primary key makes it impossible).
 */
export function lockTenant(db: Db, rolloutId: number, tenantId: number, patch: TenantPatch, now: number): boolean {
  return writeTx(db, () => {
    const holder = db.prepare('SELECT rollout_id FROM tenant_rollout_locks WHERE tenant_id = ?').pluck().get(tenantId) as number | undefined;
    if (holder !== undefined && holder !== rolloutId) return false;
    if (holder === undefined) db.prepare('INSERT INTO tenant_rollout_locks (tenant_id, rollout_id, locked_at) VALUES (?, ?, ?)').run(tenantId, rolloutId, now);
    patchTenant(db, rolloutId, tenantId, patch, now);
    return true;
  });
}

/**
 * Finishes a tenant: records its final state, optionally makes the new image its desired
 * state (so the reconciler keeps the new container and, on its next pass, owns it), and
 * releases the lock — one transaction, so the reconciler never sees a half-finished tenant.
 */
export function finishTenant(
  db: Db, rolloutId: number, tenantId: number, patch: TenantPatch, desired: { image: string; generation: number } | null, now: number,
): void {
  writeTx(db, () => {
    patchTenant(db, rolloutId, tenantId, { ...patch, finishedAt: now }, now);
    if (desired) commitDesired(db, rolloutId, tenantId, desired.image, desired.generation, now);
    db.prepare('DELETE FROM tenant_rollout_locks WHERE tenant_id = ? AND rollout_id = ?').run(tenantId, rolloutId);
  });
}

/**
 * Makes the new image the tenant's desired state (after its old container was stopped): from
 * now on the reconciler's spec for the tenant is the new container's, so it keeps it.
 */
export function commitDesired(db: Db, rolloutId: number, tenantId: number, image: string, generation: number, now: number): void {
  setDesiredImage(db, tenantId, image, generation, `rollout:${rolloutId}`, now);
}

export function setRolloutState(db: Db, id: number, state: RolloutState, error: string | null, now: number): void {
  writeTx(db, () => {
    const before = db.prepare('SELECT state FROM rollouts WHERE id = ?').pluck().get(id) as RolloutState | undefined;
    if (before === state) return;
    const final = state === 'done' || state === 'failed' || state === 'cancelled';
    db.prepare('UPDATE rollouts SET state = ?, error = COALESCE(?, error), started_at = COALESCE(started_at, ?), finished_at = ? WHERE id = ?')
      .run(state, error, now, final ? now : null, id);
    insertEvent(db, id, null, 'rollout', 'state', error ? `${state}: ${error}` : state);
    // A finished rollout holds no lock, whatever happened to its tenants.
    if (final) db.prepare('DELETE FROM tenant_rollout_locks WHERE rollout_id = ?').run(id);
  });
}

/** Marks a rollout to stop; the runner undoes tenants in flight and starts no more. */
export function requestCancel(db: Db, id: number): Rollout {
  return writeTx(db, () => {
    const r = getRollout(db, id);
    if (!r) throw new BerthError('NOT_FOUND', `no rollout ${id}`);
    if (!ACTIVE_ROLLOUT_STATES.includes(r.state)) throw new BerthError('CONFLICT', `rollout ${id} is already ${r.state}`);
    db.prepare('UPDATE rollouts SET cancel_requested = 1 WHERE id = ?').run(id);
    insertEvent(db, id, null, 'rollout', 'state', 'cancel requested');
    return { ...r, cancelRequested: true };
  });
}

export function appendEvent(db: Db, rolloutId: number, slug: string | null, step: string, phase: EventPhase, detail: string | null): RolloutEvent {
  return writeTx(db, () => insertEvent(db, rolloutId, slug, step, phase, detail));
}

function insertEvent(db: Db, rolloutId: number, slug: string | null, step: string, phase: EventPhase, detail: string | null): RolloutEvent {
  const at = preciseNow();
  const info = db.prepare('INSERT INTO rollout_events (rollout_id, slug, at, step, phase, detail) VALUES (?, ?, ?, ?, ?, ?)').run(rolloutId, slug, at, step, phase, detail);
  return { id: Number(info.lastInsertRowid), rolloutId, slug, at, step, phase, detail };
}

interface EventRow { id: number; rollout_id: number; slug: string | null; at: number; step: string; phase: EventPhase; detail: string | null }

export function eventsAfter(db: Db, rolloutId: number, afterId: number, limit = 500): RolloutEvent[] {
  const rows = db.prepare('SELECT * FROM rollout_events WHERE rollout_id = ? AND id > ? ORDER BY id LIMIT ?').all(rolloutId, afterId, limit) as EventRow[];
  return rows.map((r) => ({ id: r.id, rolloutId: r.rollout_id, slug: r.slug, at: r.at, step: r.step, phase: r.phase, detail: r.detail }));
}

/** Ids of tenants a rollout holds: the reconciler leaves their containers and routes alone. */
export function lockedTenantIds(db: Db): Set<number> {
  return new Set(db.prepare('SELECT tenant_id FROM tenant_rollout_locks').pluck().all() as number[]);
}
