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
}

/** Every tenant whose resources may still exist: live ones, and deleted ones not yet purged. */
export function readTenants(db: Db): Tenant[] {
  const rows = db
    .prepare(
      `SELECT id, slug, image, desired_state, generation, deleted_at, purge_volume_after, volume_purged_at
         FROM tenants ORDER BY id`,
    )
    .all() as TenantRow[];
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    image: r.image,
    desiredState: r.desired_state,
    generation: r.generation,
    deletedAt: r.deleted_at,
    purgeVolumeAfter: r.purge_volume_after,
    volumePurgedAt: r.volume_purged_at,
  }));
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
