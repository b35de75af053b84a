// What an instance's owner does with its backups, from the control plane (which holds the
// replicas and checked the owner role): the timeline of restorable points, one table restored
// as it was at a moment (beside the current one or replacing it; a replace undone), and a
// consistent copy of the whole database to download. A tenant container never sees a replica
// or a credential: the control plane restores the database to a temporary file in the tenant's
// volume on this host and hands over that one file; the app copies the table out of it in one
// transaction through its own write path and deletes it. Runs in any web process on the host.
import { chownSync, chmodSync, createReadStream, existsSync, rmSync, statSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@berth/common/logger';
import { writeAudit } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { DockerEngine } from '../docker/docker-engine.js';
import { BerthError } from '../errors.js';
import { containersOf } from '../reconcile/tenant-containers.js';
import { APP_USER, volumeNameFor } from '../tenants/container-spec.js';
import { lineagesOf, type Lineage } from './lineage-store.js';
import { createLitestreamCli, type LitestreamCli, type LtxFile } from './litestream-cli.js';
import { TENANT_DB_FILE } from './replication-plan.js';
import { timelineOf, type Timeline } from './restore-timeline.js';
import { callTenant, type ActorRef, type DatabaseCopyAnswer, type TableRestoreAnswer } from './tenant-restore-client.js';
import { volumesOnHost } from './volume-identity.js';

export type OwnerBackupsConfig = Pick<Config, 'instance' | 'stateDir' | 'backupDir' | 'backupS3' | 'litestreamBin' | 'backupRetentionHours'>;

export interface BackupTenantRef {
  readonly id: number;
  readonly slug: string;
}

export type TableRestoreMode = 'beside' | 'replace';

export interface DatabaseDownload {
  readonly stream: ReadStream;
  readonly bytes: number;
  /** What the owner's browser saves it as. */
  readonly fileName: string;
}

export interface OwnerBackups {
  timeline(tenant: BackupTenantRef, signal?: AbortSignal): Promise<Timeline>;
  restoreTable(tenant: BackupTenantRef, req: { table: string; mode: TableRestoreMode; at: number }, actor: ActorRef, signal?: AbortSignal): Promise<TableRestoreAnswer>;
  undoTableReplace(tenant: BackupTenantRef, req: { table: string; keptAs: string }, actor: ActorRef, signal?: AbortSignal): Promise<{ table: string; restoredKeptAs: string }>;
  /** A consistent copy of the whole database; the file is deleted once the stream closes. */
  download(tenant: BackupTenantRef, actor: ActorRef, signal?: AbortSignal): Promise<DatabaseDownload>;
}

export function createOwnerBackups(deps: { config: OwnerBackupsConfig; db: Db; docker: Pick<DockerEngine, 'listContainers' | 'listVolumes'>; log: Logger; cli?: LitestreamCli }): OwnerBackups {
  const { config, db, docker } = deps;
  const log = deps.log.child({ component: 'owner-backups' });
  const cli = deps.cli ?? createLitestreamCli({ bin: config.litestreamBin, stateDir: config.stateDir, target: { backupDir: config.backupDir, s3: config.backupS3 } });
  const busy = new Set<number>();

  async function mountOf(tenant: BackupTenantRef): Promise<string> {
    const name = volumeNameFor(tenant, config);
    const volume = volumesOnHost(await docker.listVolumes()).find((v) => v.name === name);
    if (!volume) throw new BerthError('CONFLICT', `${tenant.slug} has no volume on this host`);
    return volume.mountpoint;
  }

  async function addressOf(tenant: BackupTenantRef): Promise<string> {
    // During a rollout two copies serve one database: either will do.
    const running = containersOf(tenant.id, await docker.listContainers(tenant.id)).find((c) => c.state === 'running' && c.ip);
    if (!running) throw new BerthError('CONFLICT', `${tenant.slug} is not running (asleep, starting or stopped): open it, then try again`);
    return running.ip!;
  }

  function lineageAt(lineages: readonly Lineage[], at: number): Lineage {
    const windowStart = Date.now() - config.backupRetentionHours * 3_600_000;
    if (at < windowStart) throw new BerthError('NO_BACKUP', `${new Date(at).toISOString()} is before the retention window (${config.backupRetentionHours} h)`);
    const pick = lineages.filter((l) => l.purgedAt === null && l.startedAt <= at).at(-1);
    if (!pick) throw new BerthError('NO_BACKUP', `no backup covers ${new Date(at).toISOString()}`);
    return pick;
  }

  /** One owner operation per tenant at a time: two restores racing would each rename the other's tables. */
  async function exclusive<T>(tenant: BackupTenantRef, fn: () => Promise<T>): Promise<T> {
    if (busy.has(tenant.id)) throw new BerthError('CONFLICT', `a restore of ${tenant.slug} is already under way`);
    busy.add(tenant.id);
    try {
      return await fn();
    } finally {
      busy.delete(tenant.id);
    }
  }

  const stampNow = () => new Date().toISOString().replace(/[-:.]/g, '');
  const actorText = (a: ActorRef) => `owner ${a.email}`;

  return {
    async timeline(tenant, signal) {
      const lineages = lineagesOf(db, tenant.id);
      const files = new Map<number, LtxFile[]>();
      for (const l of lineages) {
        if (l.purgedAt !== null) continue;
        files.set(l.id, await cli.ltx({ slug: tenant.slug, lineageId: l.id, dbPath: `/berth-lineage/${l.id}/${TENANT_DB_FILE}` }, signal));
      }
      return timelineOf(tenant.slug, lineages, files, Date.now(), config.backupRetentionHours);
    },

    restoreTable: (tenant, req, actor, signal) => exclusive(tenant, async () => {
      const started = Date.now();
      const lineage = lineageAt(lineagesOf(db, tenant.id), req.at);
      const [mount, ip] = [await mountOf(tenant), await addressOf(tenant)];
      const file = `.berth-table-${stampNow()}.db`;
      const path = join(mount, file);
      try {
        await cli.restore({ slug: tenant.slug, lineageId: lineage.id, dbPath: join(mount, TENANT_DB_FILE) }, path, req.at, signal);
        const [uid, gid] = APP_USER.split(':').map(Number) as [number, number];
        for (const suffix of ['', '-wal', '-shm']) {
          if (existsSync(path + suffix)) {
            chownSync(path + suffix, uid, gid);
            chmodSync(path + suffix, 0o600);
          }
        }
        const answer = await callTenant<TableRestoreAnswer>(ip, '/__berth/restore-table', { file, table: req.table, mode: req.mode, at: req.at, actor }, 600_000, signal);
        writeAudit(db, Date.now(), actorText(actor), 'tenant.restore-table', tenant.slug, { ...answer, mode: req.mode, lineage: lineage.id, ms: Date.now() - started });
        log.info('table restored', { tenant: tenant.slug, table: req.table, mode: req.mode, at: req.at, rows: answer.rows, ms: Date.now() - started });
        return answer;
      } finally {
        // The app deletes it once read; after a failure before that, this does.
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      }
    }),

    undoTableReplace: (tenant, req, actor, signal) => exclusive(tenant, async () => {
      const answer = await callTenant<{ table: string; restoredKeptAs: string }>(await addressOf(tenant), '/__berth/undo-table-restore', { ...req, actor }, 120_000, signal);
      writeAudit(db, Date.now(), actorText(actor), 'tenant.undo-restore-table', tenant.slug, { ...req, ...answer });
      return answer;
    }),

    async download(tenant, actor, signal) {
      const mount = await mountOf(tenant);
      const copy = await callTenant<DatabaseCopyAnswer>(await addressOf(tenant), '/__berth/database-copy', {}, 600_000, signal);
      if (!/^\.berth-download-[0-9A-Za-z]{1,40}\.db$/.test(copy.file)) throw new BerthError('RESTORE_FAILED', `the instance named an unexpected copy: ${copy.file.slice(0, 80)}`);
      const path = join(mount, copy.file);
      const bytes = statSync(path).size;
      const stream = createReadStream(path);
      stream.once('close', () => rmSync(path, { force: true }));
      writeAudit(db, Date.now(), actorText(actor), 'tenant.download-database', tenant.slug, { bytes });
      return { stream, bytes, fileName: `${tenant.slug}-${stampNow().slice(0, 15)}.sqlite` };
    },
  };
}
