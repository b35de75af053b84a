// backup_lineages and its only writer. A lineage is one replicated history of a tenant's
// database; at most one per tenant is open (being replicated into) at a time.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';

export interface Lineage {
  readonly id: number;
  readonly tenantId: number;
  readonly slug: string;
  /** The volume's identity (volume-identity.ts) when the lineage started: a new volume means a different database. */
  readonly volumeIdentity: string;
  readonly startedAt: number;
  readonly reason: string;
  readonly endedAt: number | null;
  readonly endReason: string | null;
  readonly purgedAt: number | null;
}

const COLUMNS = `id, tenant_id AS tenantId, slug, volume_identity AS volumeIdentity, started_at AS startedAt,
  reason, ended_at AS endedAt, end_reason AS endReason, purged_at AS purgedAt`;

export function readLineages(db: Db): Lineage[] {
  return db.prepare(`SELECT ${COLUMNS} FROM backup_lineages ORDER BY tenant_id, started_at, id`).all() as Lineage[];
}

export function lineagesOf(db: Db, tenantId: number): Lineage[] {
  return db.prepare(`SELECT ${COLUMNS} FROM backup_lineages WHERE tenant_id = ? ORDER BY started_at, id`).all(tenantId) as Lineage[];
}

/** A lineage to start: a tenant's volume (by identity) to replicate from now on, and why. */
export interface LineageStart {
  readonly tenantId: number;
  readonly slug: string;
  readonly volumeIdentity: string;
  readonly reason: string;
}

export interface LineageEnd {
  readonly lineageId: number;
  readonly reason: string;
}

export function startLineage(db: Db, start: LineageStart, now: number): number {
  return changeLineages(db, { end: [], start: [start] }, now)[0]!;
}

/**
 * Ends, then starts, lineages in one transaction with each statement prepared once: when
 * thousands of tenants are registered at once, the backup pass starts a lineage for each, and
 * a transaction apiece held the event loop for ~1 ms per tenant (hundreds of ms per pass at
 * 10,000, profiled). Starting a tenant's lineage ends the one it had open. Returns the
 * started lineages' ids, in order.
 */
export function changeLineages(db: Db, change: { readonly end: readonly LineageEnd[]; readonly start: readonly LineageStart[] }, now: number): number[] {
  return writeTx(db, () => {
    const end = db.prepare('UPDATE backup_lineages SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL');
    for (const e of change.end) end.run(now, e.reason, e.lineageId);
    const supersede = db.prepare('UPDATE backup_lineages SET ended_at = ?, end_reason = ? WHERE tenant_id = ? AND ended_at IS NULL');
    const insert = db.prepare('INSERT INTO backup_lineages (tenant_id, slug, volume_identity, started_at, reason) VALUES (?, ?, ?, ?, ?)');
    return change.start.map((s) => {
      supersede.run(now, `superseded: ${s.reason}`, s.tenantId);
      return Number(insert.run(s.tenantId, s.slug, s.volumeIdentity, now, s.reason).lastInsertRowid);
    });
  });
}

export function endLineage(db: Db, lineageId: number, reason: string, now: number): void {
  changeLineages(db, { end: [{ lineageId, reason }], start: [] }, now);
}

export function markLineagePurged(db: Db, lineageId: number, now: number): void {
  db.prepare('UPDATE backup_lineages SET purged_at = ? WHERE id = ?').run(now, lineageId);
}
