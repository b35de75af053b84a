// `./berth backups purge [--older-than HOURS]`: the backups a restore can no longer use are
// removed only by this explicit action, each one recorded in the audit log. Purgeable: a
// lineage that ended (its tenant deleted, or a restore started a newer one) longer ago than
// the retention window (or the longer --older-than): every moment it holds is then outside the
// window. The database of a deleted tenant kept by a restore (<slug>/kept) goes with its last lineage.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAudit } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import { writeTx, type Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { readTenants } from '../tenants/tenant-store.js';
import type { Tenant } from '../tenants/tenant.js';
import { markLineagePurged, readLineages, type Lineage } from './lineage-store.js';

export interface PurgeCandidate {
  readonly lineageId: number;
  readonly slug: string;
  readonly endedAt: number;
  readonly why: string;
  /** The tenant is deleted and this is its last unpurged lineage: its kept databases go too. */
  readonly lastOfDeletedTenant: boolean;
}

/** Pure: which lineages are purgeable at `now`. */
export function planPurge(lineages: readonly Lineage[], tenants: readonly Pick<Tenant, 'id' | 'desiredState'>[], now: number, olderThanMs: number): PurgeCandidate[] {
  const state = new Map(tenants.map((t) => [t.id, t.desiredState]));
  const picked = lineages.filter((l) => l.purgedAt === null && l.endedAt !== null && l.endedAt <= now - olderThanMs);
  const pickedIds = new Set(picked.map((l) => l.id));
  return picked.map((l) => {
    const deleted = state.get(l.tenantId) !== 'running';
    const othersLeft = lineages.some((o) => o.tenantId === l.tenantId && o.purgedAt === null && !pickedIds.has(o.id));
    return {
      lineageId: l.id, slug: l.slug, endedAt: l.endedAt!,
      why: `${deleted ? 'tenant deleted' : l.endReason ?? 'ended'}; ended ${new Date(l.endedAt!).toISOString()}`,
      lastOfDeletedTenant: deleted && !othersLeft && l.id === Math.max(...picked.filter((p) => p.tenantId === l.tenantId).map((p) => p.id)),
    };
  });
}

export interface PurgeResult {
  readonly olderThanHours: number;
  readonly purged: readonly PurgeCandidate[];
}

export function purgeBackups(deps: { config: Pick<Config, 'backupDir' | 'backupS3' | 'backupRetentionHours'>; db: Db }, olderThanHours: number | null, actor: string, now = Date.now()): PurgeResult {
  const { config, db } = deps;
  const hours = olderThanHours ?? config.backupRetentionHours;
  if (!Number.isInteger(hours) || hours < config.backupRetentionHours) {
    throw new BerthError('VALIDATION_FAILED', `older-than: ${olderThanHours} hours is inside the retention window (BERTH_BACKUP_RETENTION_HOURS=${config.backupRetentionHours}); give at least that`, { field: 'olderThan' });
  }
  if (config.backupS3) throw new BerthError('CONFLICT', 'backups in a bucket are removed by the bucket\'s own lifecycle rules, not by berth');
  const candidates = planPurge(readLineages(db), readTenants(db), now, hours * 3_600_000);
  for (const c of candidates) {
    const dirs = [join(config.backupDir, c.slug, String(c.lineageId)), ...(c.lastOfDeletedTenant ? [join(config.backupDir, c.slug, 'kept')] : [])];
    // Recorded first, then removed: a crash in between leaves files nobody restores from, never a lineage that points at nothing.
    writeTx(db, () => {
      markLineagePurged(db, c.lineageId, now);
      writeAudit(db, now, actor, 'backup.purge', c.slug, { lineage: c.lineageId, why: c.why, removed: dirs });
    });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    const slugDir = join(config.backupDir, c.slug);
    if (c.lastOfDeletedTenant && existsSync(slugDir) && readdirSync(slugDir).length === 0) rmSync(slugDir, { recursive: true, force: true });
  }
  return { olderThanHours: hours, purged: candidates };
}
