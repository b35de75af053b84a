// The resource_samples table: its only writer and its readers. A day of history per tenant,
// for the admin page's charts and the latest values on /metrics.
import type { Db } from '../db/open-database.js';

export const HISTORY_MS = 24 * 60 * 60 * 1000;

export interface ResourceSample {
  /** Unix ms. */
  readonly at: number;
  /** Cores, averaged over the period since the container's previous sample; null for its first. */
  readonly cpuCores: number | null;
  readonly memoryBytes: number | null;
  readonly diskBytes: number | null;
}

interface Row { tenant_id: number; at: number; cpu_cores: number | null; memory_bytes: number | null; disk_bytes: number | null }

const toSample = (r: Row): ResourceSample => ({ at: r.at, cpuCores: r.cpu_cores, memoryBytes: r.memory_bytes, diskBytes: r.disk_bytes });

/** Records one sample; a tenant deleted meanwhile is skipped (its history went with it). */
export function recordSample(db: Db, tenantId: number, s: ResourceSample): void {
  db.prepare(
    `INSERT OR REPLACE INTO resource_samples (tenant_id, at, cpu_cores, memory_bytes, disk_bytes)
     SELECT id, ?, ?, ?, ? FROM tenants WHERE id = ?`,
  ).run(s.at, s.cpuCores, s.memoryBytes, s.diskBytes, tenantId);
}

/** Deletes samples older than a day before now; returns how many went. */
export function pruneSamples(db: Db, now: number): number {
  return db.prepare('DELETE FROM resource_samples WHERE at < ?').run(now - HISTORY_MS).changes;
}

/** Every tenant's samples since `since`, oldest first, by slug. */
export function historySince(db: Db, since: number): Map<string, ResourceSample[]> {
  const rows = db.prepare(
    `SELECT t.slug, s.tenant_id, s.at, s.cpu_cores, s.memory_bytes, s.disk_bytes
       FROM resource_samples s JOIN tenants t ON t.id = s.tenant_id
      WHERE s.at >= ? ORDER BY s.tenant_id, s.at`,
  ).all(since) as (Row & { slug: string })[];
  const out = new Map<string, ResourceSample[]>();
  for (const r of rows) {
    let list = out.get(r.slug);
    if (!list) out.set(r.slug, (list = []));
    list.push(toSample(r));
  }
  return out;
}

/** The newest sample since `since` of each tenant still wanted running, by slug. */
export function latestSamples(db: Db, since: number): Map<string, ResourceSample> {
  const rows = db.prepare(
    `SELECT t.slug, s.tenant_id, s.at, s.cpu_cores, s.memory_bytes, s.disk_bytes
       FROM resource_samples s JOIN tenants t ON t.id = s.tenant_id
      WHERE t.desired_state = 'running' AND s.at >= ?
        AND s.at = (SELECT MAX(at) FROM resource_samples WHERE tenant_id = s.tenant_id)`,
  ).all(since) as (Row & { slug: string })[];
  return new Map(rows.map((r) => [r.slug, toSample(r)]));
}
