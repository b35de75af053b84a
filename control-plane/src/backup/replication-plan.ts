// What Litestream should replicate, as a pure function of the tenants, their volumes and the
// open backup lineages; and the Litestream configuration for it. The supervisor applies the
// lineage changes, plans again (the plan is then stable) and writes the configuration.
import { join } from 'node:path';
import { volumeNameFor } from '../tenants/container-spec.js';
import type { Tenant } from '../tenants/tenant.js';
import type { Lineage, LineageEnd, LineageStart } from './lineage-store.js';

/** The tenant app's database inside its volume (tenant-image/src/config.ts: <data dir>/tenant.db). */
export const TENANT_DB_FILE = 'tenant.db';

export interface ReplicatedDb {
  readonly tenantId: number;
  readonly slug: string;
  /** The database file on the host, inside the volume's mountpoint. */
  readonly dbPath: string;
  readonly lineageId: number;
}

export interface ReplicationPlan {
  readonly databases: readonly ReplicatedDb[];
  readonly start: readonly LineageStart[];
  readonly end: readonly LineageEnd[];
  /** Running tenants whose database is not being replicated, and why (the heartbeat counts them). */
  readonly unprotected: readonly { readonly tenantId: number; readonly slug: string; readonly reason: string }[];
}

/** A tenant volume as the supervisor found it on this host. */
export interface VolumeOnHost {
  readonly name: string;
  readonly mountpoint: string;
  /**
   * Which directory it is (inode and birth time of its mountpoint): a volume removed and created
   * again under the same name gets a new one. (Docker's CreatedAt is not it: for local volumes
   * it is the data directory's modification time, which every new file changes.)
   */
  readonly identity: string;
}

export interface ReplicationInput {
  readonly tenants: readonly Pick<Tenant, 'id' | 'slug' | 'desiredState'>[];
  readonly volumes: readonly VolumeOnHost[];
  /** Lineages not ended (at most one per tenant). */
  readonly openLineages: readonly Pick<Lineage, 'id' | 'tenantId' | 'volumeIdentity'>[];
  /** Tenants a restore holds: left out of replication, lineage untouched. */
  readonly held: ReadonlySet<number>;
  readonly instance: string;
}

export function planReplication(input: ReplicationInput): ReplicationPlan {
  const volumes = new Map(input.volumes.map((v) => [v.name, v]));
  const open = new Map(input.openLineages.map((l) => [l.tenantId, l]));
  const databases: ReplicatedDb[] = [];
  const start: LineageStart[] = [];
  const end: { lineageId: number; reason: string }[] = [];
  const unprotected: { tenantId: number; slug: string; reason: string }[] = [];
  for (const t of input.tenants) {
    const lineage = open.get(t.id);
    if (t.desiredState === 'deleted') {
      // Its backups stay (retention, explicit purge); nothing more is replicated.
      if (lineage) end.push({ lineageId: lineage.id, reason: 'tenant deleted' });
      continue;
    }
    if (input.held.has(t.id)) continue;
    const volume = volumes.get(volumeNameFor(t, { instance: input.instance }));
    if (!volume) {
      unprotected.push({ tenantId: t.id, slug: t.slug, reason: 'no volume yet' });
      continue;
    }
    if (!lineage) {
      start.push({ tenantId: t.id, slug: t.slug, volumeIdentity: volume.identity, reason: 'first replication' });
      continue;
    }
    if (lineage.volumeIdentity !== volume.identity) {
      // A volume created again is a different database: replicating it into the old history
      // would mix two histories, and starting a new one silently would make "restore the
      // latest point" restore the new, empty database. The operator decides.
      unprotected.push({
        tenantId: t.id, slug: t.slug,
        reason: `volume replaced since backup lineage ${lineage.id} began: ./berth restore ${t.slug} brings the backup back, --adopt starts a new backup history from the current database`,
      });
      continue;
    }
    databases.push({ tenantId: t.id, slug: t.slug, dbPath: join(volume.mountpoint, TENANT_DB_FILE), lineageId: lineage.id });
  }
  // Open lineages of tenants that no longer exist at all end too.
  const known = new Set(input.tenants.map((t) => t.id));
  for (const l of input.openLineages) if (!known.has(l.tenantId)) end.push({ lineageId: l.id, reason: 'tenant gone' });
  return { databases, start, end, unprotected };
}

export interface S3Target {
  readonly bucket: string;
  readonly path: string;
  readonly endpoint: string;
  readonly region: string;
}

export interface ReplicaTarget {
  /** Directory of file replicas (used when s3 is null). */
  readonly backupDir: string;
  readonly s3: S3Target | null;
}

export type ReplicaConfig =
  | { readonly type: 'file'; readonly path: string }
  | { readonly type: 's3'; readonly bucket: string; readonly path: string; readonly endpoint?: string; readonly region?: string; readonly 'force-path-style'?: boolean };

/** Where one lineage's history lives: its own path, so histories never mix. */
export function replicaFor(slug: string, lineageId: number, target: ReplicaTarget): ReplicaConfig {
  if (!target.s3) return { type: 'file', path: join(target.backupDir, slug, String(lineageId)) };
  const { bucket, path, endpoint, region } = target.s3;
  const key = [path.replace(/^\/+|\/+$/g, ''), slug, String(lineageId)].filter(Boolean).join('/');
  return {
    type: 's3', bucket, path: key,
    ...(endpoint ? { endpoint, 'force-path-style': true } : {}),
    ...(region ? { region } : {}),
  };
}

export interface LitestreamSettings extends ReplicaTarget {
  readonly socketPath: string;
  readonly retentionHours: number;
  /** Litestream's monitor-interval (WAL → its local transaction files) and the replica's sync-interval. */
  readonly syncIntervalMs: number;
}

/**
 * Litestream's configuration (JSON, which its YAML reader accepts). Snapshots daily and kept
 * for the retention window, so any moment within it can be restored. Its default 1 s monitor and
 * sync intervals put a write up to ~2 s from the replica; ./berth bench restore measured what a
 * lost disk costs with the shorter ones (control-plane/src/backup/README.md).
 */
export function litestreamConfig(databases: readonly ReplicatedDb[], s: LitestreamSettings): Record<string, unknown> {
  return {
    socket: { enabled: true, path: s.socketPath, permissions: 0o600 },
    logging: { level: 'info', type: 'text' },
    snapshot: { interval: '24h', retention: `${s.retentionHours}h` },
    dbs: [...databases]
      .sort((a, b) => a.tenantId - b.tenantId)
      .map((d) => ({
        path: d.dbPath,
        'monitor-interval': `${s.syncIntervalMs}ms`,
        replica: { ...replicaFor(d.slug, d.lineageId, s), 'sync-interval': `${s.syncIntervalMs}ms` },
      })),
  };
}
