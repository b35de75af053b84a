// The reconciler's reads of desired state, and the one write it makes to it (recording that a
// deleted tenant's volume was purged). People's changes are written by http/tenant-commands.ts.
import { writeAudit } from '../auth/memberships.js';
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

export function recordVolumePurged(db: Db, tenant: { id: number; slug: string }, volume: string, now: number): void {
  writeTx(db, () => {
    db.prepare('UPDATE tenants SET volume_purged_at = ? WHERE id = ? AND volume_purged_at IS NULL').run(now, tenant.id);
    writeAudit(db, now, 'reconciler', 'volume.purge', tenant.slug, { volume });
  });
}

/** Audit line for a removal the reconciler made (containers of deleted tenants, orphans). */
export function recordRemoval(db: Db, action: 'container.remove' | 'route.remove', subject: string, detail: Record<string, unknown>, now: number): void {
  writeTx(db, () => writeAudit(db, now, 'reconciler', action, subject, detail));
}
