// Restore of a tenant's whole database, all-or-nothing and undoable. Two copies of the app
// cannot serve two different databases from one volume (there is one tenant.db), so this is
// not the rollout's create-before-remove: the tenant is held (the reconciler and Litestream
// leave it alone), unrouted, its containers stopped gracefully (the app checkpoints and closes;
// Litestream, let go of it next, syncs those last writes), the restored file is swapped in
// with the current one kept aside, a new backup lineage starts, and the tenant is released:
// the reconciler starts its container and routes it once ready.
import { execFile } from 'node:child_process';
import { chownSync, chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '@berth/common/logger';
import { writeAudit } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import type { Provisioning } from '../reconcile/provisioning.js';
import { containersOf } from '../reconcile/tenant-containers.js';
import { APP_USER, tenantLabels, volumeNameFor } from '../tenants/container-spec.js';
import { LABEL } from '../tenants/labels.js';
import { routeFor, serverUrlFor } from '../tenants/route.js';
import { readTenants } from '../tenants/tenant-store.js';
import type { Tenant } from '../tenants/tenant.js';
import type { BackupSupervisor } from './backup-supervisor.js';
import { lineagesOf, startLineage, type Lineage } from './lineage-store.js';
import { replicaFor, TENANT_DB_FILE } from './replication-plan.js';
import { volumesOnHost } from './volume-identity.js';

export type RestoreRequest =
  | { readonly mode: 'latest' }
  | { readonly mode: 'at'; readonly at: number }
  /** Put back the database the last restore replaced. */
  | { readonly mode: 'undo' }
  /** Start a new backup history from the current database (after its volume was replaced on purpose). */
  | { readonly mode: 'adopt' };

export interface RestoreResult {
  readonly slug: string;
  readonly mode: RestoreRequest['mode'];
  readonly fromLineage: number | null;
  readonly newLineage: number;
  /** Where the database it replaced was kept (undo puts it back), or null for adopt. */
  readonly kept: string | null;
  readonly downtimeMs: number;
  readonly totalMs: number;
}

export type RestoreConfig = Pick<Config, 'domain' | 'instance' | 'extraLabels' | 'stateDir' | 'backupDir' | 'litestreamBin' | 'stopGraceS' | 'readyTimeoutMs' | 'rolloutStepTimeoutMs'>;

export interface Restores {
  restore(slug: string, req: RestoreRequest, actor: string, signal?: AbortSignal): Promise<RestoreResult>;
}

/** The reconciler's held set: rollouts' tenants and the ones a restore holds. */
export function heldWith(other: () => ReadonlySet<number>, holds: ReadonlySet<number>): () => ReadonlySet<number> {
  return () => (holds.size === 0 ? other() : new Set([...other(), ...holds]));
}

export function createRestores(deps: { config: RestoreConfig; db: Db; log: Logger; provisioning: Provisioning; backup: BackupSupervisor; holds: Set<number> }): Restores {
  const { config, db, provisioning: p, backup } = deps;
  const log = deps.log.child({ component: 'restore' });
  const busy = new Set<number>();

  return {
    async restore(slug, req, actor, signal) {
      const tenant = readTenants(db).find((t) => t.slug === slug && t.desiredState === 'running');
      if (!tenant) throw new BerthError('NOT_FOUND', `no running tenant "${slug}"`);
      if (busy.has(tenant.id)) throw new BerthError('CONFLICT', `a restore of ${slug} is already under way`);
      busy.add(tenant.id);
      try {
        return await run(tenant, req, actor, signal);
      } finally {
        busy.delete(tenant.id);
      }
    },
  };

  async function run(tenant: Tenant, req: RestoreRequest, actor: string, signal?: AbortSignal): Promise<RestoreResult> {
    const started = Date.now();
    const keptRoot = join(config.backupDir, tenant.slug, 'kept');
    const volumeName = volumeNameFor(tenant, config);
    if (req.mode === 'adopt') {
      const volume = volumesOnHost(await p.docker.listVolumes()).find((v) => v.name === volumeName);
      if (!volume) throw new BerthError('CONFLICT', `${tenant.slug} has no volume to adopt`);
      const id = startLineage(db, { tenantId: tenant.id, slug: tenant.slug, volumeIdentity: volume.identity, reason: `adopted by ${actor}` }, Date.now());
      writeAudit(db, Date.now(), actor, 'backup.adopt', tenant.slug, { lineage: id });
      await backup.release(tenant.id, signal);
      return { slug: tenant.slug, mode: req.mode, fromLineage: null, newLineage: id, kept: null, downtimeMs: 0, totalMs: Date.now() - started };
    }
    // Decide the source before touching anything: a bad request changes nothing.
    const source = req.mode === 'undo' ? { lineage: null, keptDir: newestKept(keptRoot) } : { lineage: pickLineage(lineagesOf(db, tenant.id), req), keptDir: null };

    deps.holds.add(tenant.id);
    let downFrom = 0;
    try {
      await p.reconciler.idle(tenant.id);
      await p.routes.write(tenant.slug, routeFor(tenant, [], config));
      await p.traefik.waitForRoute(tenant.slug, [], { timeoutMs: config.rolloutStepTimeoutMs, signal });
      downFrom = Date.now();
      for (const c of containersOf(tenant.id, await p.docker.listContainers(tenant.id))) await p.docker.stopAndRemove(c.id, config.stopGraceS);
      // Litestream lets it go only now, so its final sync carries the app's last writes.
      await backup.hold(tenant.id, signal);

      // Its volume may be gone (destroyed): the database comes back in a new one.
      await p.docker.ensureVolume(volumeName, { ...tenantLabels(tenant, config), [LABEL.role]: 'data' });
      const volume = volumesOnHost(await p.docker.listVolumes()).find((v) => v.name === volumeName);
      if (!volume) throw new BerthError('RESTORE_FAILED', `volume ${volumeName} has no mountpoint this host can see`);
      const mount = volume.mountpoint;
      const stamp = new Date().toISOString().replace(/[-:.]/g, '');
      const incoming = join(mount, `.berth-restore-${stamp}.db`);
      if (source.keptDir) copyFileSync(join(source.keptDir, TENANT_DB_FILE), incoming);
      else await litestreamRestore(tenant.slug, source.lineage!, join(mount, TENANT_DB_FILE), incoming, req.mode === 'at' ? req.at : null, signal);

      const kept = join(keptRoot, stamp);
      swapIn(mount, incoming, kept);
      // The reason is shown to the owner (the backups page): the kept copy's name, never a host path.
      const reason = source.keptDir ? `undo: put back the database kept at ${basename(source.keptDir)}` : `restored from lineage ${source.lineage!.id}${req.mode === 'at' ? ` at ${new Date(req.at).toISOString()}` : ' (latest)'}`;
      const newLineage = startLineage(db, { tenantId: tenant.id, slug: tenant.slug, volumeIdentity: volume.identity, reason }, Date.now());
      writeAudit(db, Date.now(), actor, 'tenant.restore', tenant.slug, { mode: req.mode, ...(req.mode === 'at' ? { at: req.at } : {}), fromLineage: source.lineage?.id ?? null, undoOf: source.keptDir, kept, newLineage });
      log.info('database restored', { tenant: tenant.slug, mode: req.mode, kept, newLineage });

      deps.holds.delete(tenant.id);
      await backup.release(tenant.id, signal);
      p.reconciler.nudge();
      await waitServing(tenant, signal);
      return { slug: tenant.slug, mode: req.mode, fromLineage: source.lineage?.id ?? null, newLineage, kept, downtimeMs: Date.now() - downFrom, totalMs: Date.now() - started };
    } catch (err) {
      log.error('restore failed', { tenant: tenant.slug, err: err as Error });
      throw err instanceof BerthError ? err : new BerthError('RESTORE_FAILED', `restore of ${tenant.slug} failed: ${(err as Error).message}`, undefined, { cause: err });
    } finally {
      // Whatever happened, the tenant serves again (on its restored or its unchanged database).
      if (deps.holds.delete(tenant.id)) {
        await backup.release(tenant.id).catch(() => {});
        p.reconciler.nudge();
      }
    }
  }

  function pickLineage(lineages: readonly Lineage[], req: RestoreRequest): Lineage {
    const usable = lineages.filter((l) => l.purgedAt === null);
    const pick = req.mode === 'at'
      ? usable.filter((l) => l.startedAt <= req.at).at(-1)
      : usable.find((l) => l.endedAt === null) ?? usable.at(-1);
    if (!pick) throw new BerthError('NO_BACKUP', req.mode === 'at' ? `no backup covers ${new Date(req.at).toISOString()}` : 'no backup of this tenant');
    return pick;
  }

  function newestKept(root: string): string {
    const dirs = existsSync(root) ? readdirSync(root).filter((n) => existsSync(join(root, n, TENANT_DB_FILE))).sort() : [];
    if (dirs.length === 0) throw new BerthError('NO_BACKUP', 'nothing to undo: no database was kept by an earlier restore');
    return join(root, dirs.at(-1)!);
  }

  /** `litestream restore` of one lineage (to `at`, or its latest point) into `out`. */
  async function litestreamRestore(slug: string, lineage: Lineage, dbPath: string, out: string, at: number | null, signal?: AbortSignal): Promise<void> {
    const dir = join(config.stateDir, 'litestream');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const cfg = join(dir, `restore-${slug}.yml`);
    writeFileSync(cfg, JSON.stringify({ dbs: [{ path: dbPath, replica: replicaFor(slug, lineage.id, backup.target) }] }), { mode: 0o600 });
    const args = ['restore', '-config', cfg, '-o', out, ...(at === null ? [] : ['-timestamp', new Date(at).toISOString()]), dbPath];
    try {
      await new Promise<void>((resolve, reject) => {
        execFile(config.litestreamBin, args, { signal, timeout: 600_000, maxBuffer: 4 << 20 }, (err, _out, stderr) => {
          if (err) reject(new BerthError('RESTORE_FAILED', `litestream restore: ${stderr.trim().split('\n').slice(-3).join(' | ') || err.message}`));
          else resolve();
        });
      });
    } finally {
      rmSync(cfg, { force: true });
    }
  }

  async function waitServing(tenant: Tenant, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + config.readyTimeoutMs + config.rolloutStepTimeoutMs;
    for (;;) {
      const running = containersOf(tenant.id, await p.docker.listContainers(tenant.id)).filter((c) => c.state === 'running' && c.ip);
      if (running.length > 0) {
        await p.traefik.waitForRoute(tenant.slug, running.map((c) => serverUrlFor(c.ip!)), { timeoutMs: Math.max(1000, deadline - Date.now()), signal });
        return;
      }
      if (Date.now() > deadline) throw new BerthError('RESTORE_FAILED', `${tenant.slug} did not serve again in time`);
      p.reconciler.nudge();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Moves the current database (and its -wal/-shm) into `kept`, then the restored file into its
 * place, owned by the app's user. Litestream's local state of the old database goes: it
 * describes a history the new file is not part of. If the final rename fails, the current
 * database is put back.
 */
function swapIn(mount: string, incoming: string, kept: string): void {
  mkdirSync(kept, { recursive: true, mode: 0o700 });
  const moved: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    const from = join(mount, TENANT_DB_FILE + suffix);
    if (!existsSync(from)) continue;
    moveFile(from, join(kept, TENANT_DB_FILE + suffix));
    moved.push(suffix);
  }
  try {
    const [uid, gid] = APP_USER.split(':').map(Number) as [number, number];
    chownSync(incoming, uid, gid);
    chmodSync(incoming, 0o644);
    // A volume created here (its old one destroyed) is root's until the image's /data is copied in, which a non-empty volume never gets.
    chownSync(mount, uid, gid);
    renameSync(incoming, join(mount, TENANT_DB_FILE));
  } catch (err) {
    for (const suffix of moved) moveFile(join(kept, TENANT_DB_FILE + suffix), join(mount, TENANT_DB_FILE + suffix));
    throw err;
  }
  rmSync(join(mount, `.${TENANT_DB_FILE}-litestream`), { recursive: true, force: true });
}

/** rename, or copy + unlink when the backup directory is on another file system. */
function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(from, to);
    rmSync(from);
  }
}
