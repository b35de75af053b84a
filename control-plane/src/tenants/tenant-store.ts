// The tenants table: this module is its only writer, and the reads of whole tenant rows live
// here too. Use-cases (tenant-commands.ts), the reconciler and rollouts call these functions;
// each write records itself in audit_log in the same transaction.
import { writeAudit } from '../audit/audit-log.js';
import { writeTx, type Db } from '../db/open-database.js';
import type { DesiredState, Tenant } from './tenant.js';

interface TenantRow {
  id: number;
  slug: string;
  image: string;
  desired_state: DesiredState;
  generation: number;
  deleted_at: number | null;
  purge_volume_after: number | null;
  volume_purged_at: number | null;
  asleep: number;
  asleep_changed_at: number | null;
}

const TENANT_COLUMNS = 'id, slug, image, desired_state, generation, deleted_at, purge_volume_after, volume_purged_at, asleep, asleep_changed_at';

/** Every tenant whose resources may still exist: live ones, and deleted ones not yet purged. */
export function readTenants(db: Db): Tenant[] {
  return (db.prepare(`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY id`).all() as TenantRow[]).map(toTenant);
}

/** Tenants desired running and awake (what the reconciler's quick pass looks among). */
export function readAwakeTenants(db: Db): Tenant[] {
  return (db.prepare(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE desired_state = 'running' AND asleep = 0 ORDER BY id`).all() as TenantRow[]).map(toTenant);
}

function toTenant(r: TenantRow): Tenant {
  return {
    id: r.id,
    slug: r.slug,
    image: r.image,
    desiredState: r.desired_state,
    generation: r.generation,
    deletedAt: r.deleted_at,
    purgeVolumeAfter: r.purge_volume_after,
    volumePurgedAt: r.volume_purged_at,
    asleep: r.asleep === 1,
    asleepChangedAt: r.asleep_changed_at,
  };
}

/** Tenants desired running, in slug order (what a rollout may roll). */
export function listRunningTenants(db: Db): Pick<Tenant, 'id' | 'slug' | 'image'>[] {
  return db.prepare("SELECT id, slug, image FROM tenants WHERE desired_state = 'running' ORDER BY slug").all() as Pick<Tenant, 'id' | 'slug' | 'image'>[];
}

/**
 * A lookup of the id of the running tenant with a slug, prepared once: ForwardAuth asks it on
 * every tenant request.
 */
export function createRunningTenantLookup(db: Db): (slug: string) => number | undefined {
  const bySlug = db.prepare("SELECT id FROM tenants WHERE slug = ? AND desired_state = 'running'").pluck();
  return (slug) => bySlug.get(slug) as number | undefined;
}

/** Whether any tenant, live or deleted, holds the slug (a deleted one keeps it while its volume is retained). */
export function slugInUse(db: Db, slug: string): boolean {
  return db.prepare('SELECT 1 FROM tenants WHERE slug = ?').get(slug) !== undefined;
}

/** Inserts a tenant desired running at generation 1; call inside the write transaction of the use-case. */
export function insertTenant(db: Db, tenant: { slug: string; ownerId: number; image: string }, now: number): number {
  const info = db
    .prepare("INSERT INTO tenants (slug, owner_id, image, desired_state, generation, created_at) VALUES (?, ?, ?, 'running', 1, ?)")
    .run(tenant.slug, tenant.ownerId, tenant.image, now);
  return Number(info.lastInsertRowid);
}

/** Marks a running tenant deleted; false if it was not running. Call inside the use-case's write transaction. */
export function markTenantDeleted(db: Db, tenantId: number, purgeVolumeAfter: number, now: number): boolean {
  return db
    .prepare("UPDATE tenants SET desired_state = 'deleted', deleted_at = ?, purge_volume_after = ? WHERE id = ? AND desired_state = 'running'")
    .run(now, purgeVolumeAfter, tenantId).changes > 0;
}

/** Moves the time after which a deleted tenant's volume may be purged (the integration tests use it to make a purge due). */
export function reschedulePurge(db: Db, tenantId: number, purgeVolumeAfter: number, actor: string, now: number): void {
  writeTx(db, () => {
    const slug = db.prepare("SELECT slug FROM tenants WHERE id = ? AND desired_state = 'deleted'").pluck().get(tenantId) as string | undefined;
    if (slug === undefined) return;
    db.prepare('UPDATE tenants SET purge_volume_after = ? WHERE id = ?').run(purgeVolumeAfter, tenantId);
    writeAudit(db, now, actor, 'volume.reschedule-purge', slug, { purgeVolumeAfter: new Date(purgeVolumeAfter).toISOString() });
  });
}

/**
 * Makes an image and generation the tenant's desired state (a rollout, once the old
 * container is stopped); a no-op when they already are.
 */
export function setDesiredImage(db: Db, tenantId: number, image: string, generation: number, actor: string, now: number): void {
  writeTx(db, () => {
    const before = db.prepare('SELECT slug, image, generation FROM tenants WHERE id = ?').get(tenantId) as { slug: string; image: string; generation: number } | undefined;
    if (!before || (before.image === image && before.generation === generation)) return;
    db.prepare('UPDATE tenants SET image = ?, generation = ? WHERE id = ?').run(image, generation, tenantId);
    writeAudit(db, now, actor, 'tenant.image', before.slug, { from: before.image, to: image, generation });
  });
}

export function recordVolumePurged(db: Db, tenant: { id: number; slug: string }, volume: string, now: number): void {
  writeTx(db, () => {
    db.prepare('UPDATE tenants SET volume_purged_at = ? WHERE id = ? AND volume_purged_at IS NULL').run(now, tenant.id);
    writeAudit(db, now, 'reconciler', 'volume.purge', tenant.slug, { volume });
  });
}

// Hibernation (hibernate/): desired asleep or awake, the coarse last-request time, the pin.

/** What the hibernator needs to decide whether an awake tenant is idle. */
export interface AwakeTenant {
  readonly id: number;
  readonly slug: string;
  readonly createdAt: number;
  readonly lastRequestAt: number | null;
  readonly asleepChangedAt: number | null;
  /** When its container last became ready, as the reconciler recorded it (tenant_status). */
  readonly readyAt: number | null;
}

/** Tenants desired running and awake, not pinned: the ones that may hibernate. */
export function listHibernationCandidates(db: Db): AwakeTenant[] {
  return db
    .prepare(
      `SELECT t.id, t.slug, t.created_at AS createdAt, t.last_request_at AS lastRequestAt, t.asleep_changed_at AS asleepChangedAt, s.ready_at AS readyAt
         FROM tenants t LEFT JOIN tenant_status s ON s.tenant_id = t.id
        WHERE t.desired_state = 'running' AND t.asleep = 0 AND t.pinned_awake = 0 ORDER BY t.id`,
    )
    .all() as AwakeTenant[];
}

/**
 * Tenants desired asleep whose stopped container the reconciler has recorded since they last
 * went to sleep (tenant id → asleep_changed_at): nothing writes their database. Backups park
 * these (backup/parking.ts).
 */
export function listHibernatedTenants(db: Db): Map<number, number | null> {
  const rows = db
    .prepare(
      `SELECT t.id, t.asleep_changed_at AS asleepChangedAt
         FROM tenants t JOIN tenant_status s ON s.tenant_id = t.id
        WHERE t.desired_state = 'running' AND t.asleep = 1 AND s.state = 'hibernated'
          AND s.updated_at >= COALESCE(t.asleep_changed_at, 0)`,
    )
    .all() as { id: number; asleepChangedAt: number | null }[];
  return new Map(rows.map((r) => [r.id, r.asleepChangedAt]));
}

/**
 * Makes an idle tenant desired asleep; false if it is no longer awake, running and unpinned,
 * or a request newer than `lastRequestAt` (what the caller decided on) was recorded meanwhile.
 */
export function markAsleep(db: Db, tenantId: number, lastRequestAt: number | null, idleSince: number, now: number): boolean {
  return writeTx(db, () => {
    const slug = db
      .prepare("SELECT slug FROM tenants WHERE id = ? AND desired_state = 'running' AND asleep = 0 AND pinned_awake = 0 AND COALESCE(last_request_at, 0) <= ?")
      .pluck()
      .get(tenantId, lastRequestAt ?? 0) as string | undefined;
    if (slug === undefined) return false;
    db.prepare('UPDATE tenants SET asleep = 1, asleep_changed_at = ? WHERE id = ?').run(now, tenantId);
    writeAudit(db, now, 'hibernator', 'tenant.hibernate', slug, { idleSince: new Date(idleSince).toISOString() });
    return true;
  });
}

/** Makes a tenant desired awake; true if it was asleep (this call woke it). */
export function markAwake(db: Db, tenantId: number, actor: string, now: number): boolean {
  return writeTx(db, () => {
    const slug = db.prepare("SELECT slug FROM tenants WHERE id = ? AND desired_state = 'running' AND asleep = 1").pluck().get(tenantId) as string | undefined;
    if (slug === undefined) return false;
    db.prepare('UPDATE tenants SET asleep = 0, asleep_changed_at = ? WHERE id = ?').run(now, tenantId);
    writeAudit(db, now, actor, 'tenant.wake', slug);
    return true;
  });
}

/** Pins a tenant awake (waking it if asleep) or unpins it; false if no running tenant has the slug. */
export function setPinnedAwake(db: Db, slug: string, pinned: boolean, actor: string, now: number): boolean {
  return writeTx(db, () => {
    const row = db.prepare("SELECT id, asleep FROM tenants WHERE slug = ? AND desired_state = 'running'").get(slug) as { id: number; asleep: number } | undefined;
    if (!row) return false;
    if (pinned && row.asleep === 1) db.prepare('UPDATE tenants SET asleep = 0, asleep_changed_at = ? WHERE id = ?').run(now, row.id);
    db.prepare('UPDATE tenants SET pinned_awake = ? WHERE id = ?').run(pinned ? 1 : 0, row.id);
    writeAudit(db, now, actor, pinned ? 'tenant.pin-awake' : 'tenant.unpin-awake', slug);
    return true;
  });
}

/** The running tenant with a slug and whether it is desired asleep (the waker's lookup). */
export function findRunningTenant(db: Db, slug: string): { id: number; asleep: boolean } | undefined {
  const row = db.prepare("SELECT id, asleep FROM tenants WHERE slug = ? AND desired_state = 'running'").get(slug) as { id: number; asleep: number } | undefined;
  return row && { id: row.id, asleep: row.asleep === 1 };
}

/** Records last-request times (slug → unix ms) in one transaction; never moves one backwards. */
export function recordLastRequests(db: Db, seen: ReadonlyMap<string, number>): void {
  if (seen.size === 0) return;
  const update = db.prepare('UPDATE tenants SET last_request_at = MAX(COALESCE(last_request_at, 0), ?) WHERE slug = ?');
  writeTx(db, () => {
    for (const [slug, at] of seen) update.run(at, slug);
  });
}
