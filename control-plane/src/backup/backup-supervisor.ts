// Runs in the control plane's background work (the lease holder's side when there are
// several processes): keeps one Litestream process replicating every running tenant's
// database. A full pass re-reads tenants, volumes and lineages, plans (replication-plan.ts),
// records lineage changes, rewrites Litestream's configuration when it changed and restarts
// Litestream on it; every pass reads from Litestream when each database was last replicated.
// A pass after a full pass that changed nothing, with the same inputs (input-version.ts, the
// held set, the volumes' identities), only does the last part: at 2,000 tenants planning every
// 2 s was most of the supervisor's idle CPU.
// Hibernated tenants' databases are parked: closed in Litestream after a final sync, and left
// out of its configuration when it next restarts, so sleepers cost it nothing (parking.ts).
import { mkdirSync, renameSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '@berth/common/logger';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { DockerEngine } from '../docker/docker-engine.js';
import type { ManagedVolume } from '../docker/types.js';
import { volumeNameFor } from '../tenants/container-spec.js';
import type { Tenant } from '../tenants/tenant.js';
import { listHibernatedTenants, readTenants } from '../tenants/tenant-store.js';
import { backoffMs } from '../wait/backoff.js';
import { createWaker } from '../wait/waker.js';
import { readInputVersion } from './input-version.js';
import { changeLineages, readLineages } from './lineage-store.js';
import { volumesOnHost } from './volume-identity.js';
import { createLitestreamProcess, type LitestreamProcess } from './litestream-process.js';
import { forgetParked, readParked, saveParked } from './parked-store.js';
import { planParking, replicationKey, sleepersToPark, type FileStamp, type ParkedDb } from './parking.js';
import { litestreamConfig, planReplication, type ReplicaTarget, type ReplicatedDb, type ReplicationPlan, type VolumeOnHost } from './replication-plan.js';

export type BackupConfig = Pick<Config, 'instance' | 'stateDir' | 'backupDir' | 'litestreamBin' | 'backupIntervalMs' | 'backupLagLimitMs' | 'backupSyncIntervalMs' | 'backupRetentionHours' | 'backupS3'>;

export interface TenantReplication {
  readonly slug: string;
  readonly lineageId: number | null;
  /** Unix ms of the last moment Litestream confirmed the replica up to date, or null. */
  readonly lastReplicatedAt: number | null;
  readonly lagMs: number;
  /** Why it is not replicated, when it is not. */
  readonly problem: string | null;
  /** Asleep and closed in Litestream after a final sync: its replica is complete (lag 0). */
  readonly parked: boolean;
}

export interface BackupStatus {
  readonly ok: boolean;
  readonly worstLagMs: number;
  readonly worstSlug: string | null;
  readonly detail: string;
  readonly tenants: readonly TenantReplication[];
}

export interface BackupSupervisor {
  run(signal: AbortSignal): Promise<void>;
  status(): BackupStatus;
  /** Leave a tenant out of replication (a restore is replacing its database) and wait until Litestream has let it go. */
  hold(tenantId: number, signal?: AbortSignal): Promise<void>;
  /** Replicate it again (into a new lineage when the restore started one); waits for the pass. */
  release(tenantId: number, signal?: AbortSignal): Promise<void>;
  readonly target: ReplicaTarget;
  readonly process: LitestreamProcess;
}

export function createBackupSupervisor(deps: { config: BackupConfig; db: Db; docker: DockerEngine; log: Logger }): BackupSupervisor {
  const { config, db, docker } = deps;
  const log = deps.log.child({ component: 'backup' });
  const dir = join(config.stateDir, 'litestream');
  const configPath = join(dir, 'litestream.yml');
  const socketPath = join(dir, 'control.sock');
  const target: ReplicaTarget = { backupDir: config.backupDir, s3: config.backupS3 };
  const proc = createLitestreamProcess({ bin: config.litestreamBin, configPath, socketPath, log });
  const waker = createWaker();
  const held = new Set<number>();
  let written = '';
  let startedAt = 0;
  let failures = 0;
  let lastPassError: string | null = null;
  let lastPlan: ReplicationPlan = { databases: [], start: [], end: [], unprotected: [] };
  /** lastPlan's lineage of each database file: how Litestream's list (by path) maps to replications. */
  let lineageOf = new Map<string, number>();
  /** Per database file and lineage: the last moment Litestream confirmed its replica up to date. */
  const lastSync = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  let passWaiters: (() => void)[] = [];
  /** Parked databases by replicationKey, mirrored in backup_parked (parked-store.ts) and read back at start. */
  const parked = new Map<string, ParkedDb>();
  const dropParked = (key: string) => {
    parked.delete(key);
    forgetParked(db, key);
  };
  /** Parked databases left out of the running Litestream's configuration: taking one back needs a restart. */
  let leftOut = new Set<string>();
  /** Passes since the supervisor started: the first looks at every parked database's files, later ones a slice. */
  let passNo = 0;

  /** Takes parked databases back and forgets those no longer replicated; `restart` if Litestream must restart. */
  async function unparkWhereNeeded(plan: ReplicationPlan, hibernated: ReadonlyMap<number, number | null>): Promise<{ restart: boolean; changed: boolean }> {
    const n = passNo++;
    const stampDue = (dbPath: string) => n === 0 || sliceOf(dbPath) === n % STAMP_SLICES;
    const parking = planParking({ databases: plan.databases, hibernated, parked, stampOf, maxParks: MAX_PARKS_PER_PASS, stampDue });
    for (const key of parking.forget) dropParked(key);
    let restart = false;
    for (const { db: d, reason } of parking.unpark) {
      const key = replicationKey(d);
      dropParked(key);
      if (leftOut.has(key) || !proc.running()) {
        restart = true;
      } else {
        try {
          await proc.openDb(d.dbPath);
        } catch (err) {
          // A restart opens every database of the configuration.
          log.warn('litestream could not open a parked database again; restarting it', { tenant: d.slug, err: err as Error });
          restart = true;
        }
      }
      log.info('backup unparked', { tenant: d.slug, reason });
    }
    return { restart, changed: parking.forget.length > 0 || parking.unpark.length > 0 };
  }

  /** Closes sleepers' databases in Litestream, PARK_CONCURRENCY at a time, within PARK_BUDGET_MS; false if there were none to close. */
  async function parkSleepers(plan: ReplicationPlan, hibernated: ReadonlyMap<number, number | null>): Promise<boolean> {
    const park = sleepersToPark({ databases: plan.databases, hibernated, parked, maxParks: MAX_PARKS_PER_PASS });
    if (park.length === 0) return false;
    const deadline = Date.now() + PARK_BUDGET_MS;
    const queue = park.filter((d) => !leftOut.has(replicationKey(d)));
    const worker = async () => {
      for (let d = queue.shift(); d && Date.now() < deadline; d = queue.shift()) await parkOne(d, hibernated);
    };
    const before = parked.size;
    await Promise.all(Array.from({ length: PARK_CONCURRENCY }, worker));
    if (parked.size > before) log.info('backup parked sleepers', { parked: parked.size - before, total: parked.size, ms: Date.now() - deadline + PARK_BUDGET_MS });
    return true;
  }

  async function parkOne(d: ReplicatedDb, hibernated: ReadonlyMap<number, number | null>): Promise<void> {
    const key = replicationKey(d);
    const result = await proc.closeDb(d.dbPath).catch((err: Error) => err);
    if (result === 'stopped') {
      // Stamped after the close: closing the last connection can checkpoint the WAL away.
      const entry: ParkedDb = { key, asleepSince: hibernated.get(d.tenantId) ?? null, stamp: stampOf(d.dbPath), parkedAt: Date.now() };
      saveParked(db, entry);
      parked.set(key, entry);
      log.debug('backup parked', { tenant: d.slug });
      return;
    }
    // Not closed after a successful final sync (it failed, or the database was not open at
    // all): open it again, so the replica catches up before it is parked on a later pass.
    log.warn('litestream did not park a database; it stays open', { tenant: d.slug, result: result instanceof Error ? result.message : result });
    await proc.openDb(d.dbPath).catch(() => undefined);
  }

  function applyConfig(plan: ReplicationPlan, text: string): void {
    const open = plan.databases.filter((d) => !parked.has(replicationKey(d)));
    writeAtomically(configPath, JSON.stringify(litestreamConfig(open, settings()), null, 2));
    written = text;
    leftOut = new Set(plan.databases.filter((d) => parked.has(replicationKey(d))).map(replicationKey));
    if (open.length > 0) {
      proc.start();
      startedAt = Date.now();
    }
    log.info('litestream configuration applied', { databases: open.length, parked: leftOut.size });
  }

  function settings() {
    return { ...target, socketPath, retentionHours: config.backupRetentionHours, syncIntervalMs: config.backupSyncIntervalMs };
  }

  /**
   * Docker's volume list, kept between passes: at 2,000 volumes one list costs dockerd ~25 ms of
   * CPU (measured), every 2 s. Listed again every VOLUME_RELIST_MS, when a tenant that should
   * have a volume is not in it (a new tenant), and around a restore (hold, release). Each
   * volume's directory identity (volumesOnHost: a volume removed and made again under its name
   * is a new lineage) is taken at each list, and again at every pass for awake tenants, whose
   * volumes a test or an operator may destroy; a sleeper's volume changes only through a restore.
   */
  let listedVolumes: { readonly byName: ReadonlyMap<string, ManagedVolume>; readonly onHost: ReadonlyMap<string, VolumeOnHost>; readonly at: number } | null = null;
  async function volumesFor(tenants: readonly Tenant[]): Promise<VolumeOnHost[]> {
    const l = listedVolumes;
    const missing = l !== null && tenants.some((t) => t.desiredState === 'running' && !l.byName.has(volumeNameFor(t, config)));
    if (l === null || missing || Date.now() - l.at >= VOLUME_RELIST_MS) {
      const volumes = await docker.listVolumes();
      listedVolumes = {
        onHost: new Map(volumesOnHost(volumes).map((v) => [v.name, v])),
        byName: new Map(volumes.map((v) => [v.name, v])),
        at: Date.now(),
      };
      return [...listedVolumes.onHost.values()];
    }
    const onHost = new Map(l.onHost);
    for (const t of tenants) {
      if (t.desiredState !== 'running' || t.asleep) continue;
      const name = volumeNameFor(t, config);
      const listed = l.byName.get(name);
      const [now] = listed ? volumesOnHost([listed]) : [];
      if (now) onHost.set(name, now);
      else onHost.delete(name);
    }
    return [...onHost.values()];
  }

  /** What the last full pass planned from, when it changed nothing: while it holds, passes only read Litestream's syncs. */
  let settled: { readonly version: number; readonly held: string; readonly running: boolean; readonly tenants: readonly Tenant[]; readonly volumes: ReadonlyMap<string, string>; readonly at: number } | null = null;

  async function pass(): Promise<void> {
    // Read first: a change made while this pass runs bumps it past what the pass records.
    const version = readInputVersion(db);
    const heldKey = [...held].sort((a, b) => a - b).join(',');
    const was = settled;
    settled = null;
    const quiet = was !== null && was.version === version && was.held === heldKey && was.running === proc.running() && Date.now() - was.at < FULL_PASS_MS;
    const tenants = quiet ? was.tenants : readTenants(db);
    const volumes = await volumesFor(tenants);
    if (quiet && sameVolumes(was.volumes, volumes)) {
      if (proc.running()) await recordSyncs();
      settled = was;
      return;
    }
    const input = () => ({
      tenants, volumes, held, instance: config.instance,
      openLineages: readLineages(db).filter((l) => l.endedAt === null),
    });
    let plan = planReplication(input());
    const lineagesChanged = plan.start.length > 0 || plan.end.length > 0;
    if (lineagesChanged) {
      const started = changeLineages(db, plan, Date.now());
      for (const e of plan.end) log.info('backup lineage ended', { lineage: e.lineageId, reason: e.reason });
      plan.start.forEach((s, i) => log.info('backup lineage started', { tenant: s.slug, lineage: started[i], reason: s.reason }));
      plan = planReplication(input());
    }
    lastPlan = plan;
    lineageOf = new Map(plan.databases.map((d) => [d.dbPath, d.lineageId]));
    const hibernated = listHibernatedTenants(db);
    const unparking = await unparkWhereNeeded(plan, hibernated);
    // Compared with every replicated database, parked or not: parking alone never restarts it.
    const text = JSON.stringify(litestreamConfig(plan.databases, settings()), null, 2);
    const wantsOpen = plan.databases.some((d) => !parked.has(replicationKey(d)));
    const restarted = text !== written || unparking.restart || (!proc.running() && wantsOpen);
    if (restarted) {
      await proc.stop();
      applyConfig(plan, text);
    }
    let parking = false;
    if (proc.running()) {
      // Just (re)started: the socket may not be up yet. Lag keeps growing meanwhile.
      if (!(await recordSyncs())) return;
      parking = await parkSleepers(plan, hibernated);
    }
    if (!lineagesChanged && !unparking.changed && !restarted && !parking) {
      settled = { version, held: heldKey, running: proc.running(), tenants, volumes: identities(volumes), at: Date.now() };
    }
  }

  /** Reads from Litestream when each database of lastPlan last synced; false if its socket is not up yet after a (re)start. */
  async function recordSyncs(): Promise<boolean> {
    try {
      // Only ever forward: a restarted Litestream knows nothing of earlier syncs.
      for (const d of await proc.list()) {
        const key = replicationKey({ dbPath: d.path, lineageId: lineageOf.get(d.path) ?? -1 });
        if (d.lastSyncAt !== null && d.lastSyncAt > (lastSync.get(key) ?? 0)) lastSync.set(key, d.lastSyncAt);
      }
      return true;
    } catch (err) {
      if (Date.now() - startedAt > 5000) throw err;
      return false;
    }
  }

  function status(): BackupStatus {
    const now = Date.now();
    const tenants: TenantReplication[] = [];
    const seen = new Set<string>();
    const since = (key: string) => {
      seen.add(key);
      if (!firstSeen.has(key)) firstSeen.set(key, now);
      return firstSeen.get(key)!;
    };
    for (const d of lastPlan.databases) {
      const key = `db:${d.dbPath}:${d.lineageId}`;
      const last = lastSync.get(replicationKey(d)) ?? null;
      const asleep = parked.get(replicationKey(d));
      if (asleep) {
        // Its last sync succeeded when it was closed and nothing has written to it since.
        since(key);
        tenants.push({ slug: d.slug, lineageId: d.lineageId, lastReplicatedAt: Math.max(last ?? 0, asleep.parkedAt), lagMs: 0, problem: null, parked: true });
        continue;
      }
      // Never replicated yet (a new tenant, a new lineage): the lag counts from when it was first wanted.
      tenants.push({
        slug: d.slug, lineageId: d.lineageId, lastReplicatedAt: last,
        lagMs: now - Math.max(last ?? 0, since(key)),
        problem: proc.running() ? null : 'litestream is not running',
        parked: false,
      });
    }
    for (const u of lastPlan.unprotected) {
      tenants.push({ slug: u.slug, lineageId: null, lastReplicatedAt: null, lagMs: now - since(`u:${u.tenantId}:${u.reason}`), problem: u.reason, parked: false });
    }
    for (const key of firstSeen.keys()) if (!seen.has(key)) firstSeen.delete(key);
    const worst = tenants.reduce<TenantReplication | null>((w, t) => (!w || t.lagMs > w.lagMs ? t : w), null);
    const worstLagMs = worst?.lagMs ?? 0;
    const ok = lastPassError === null && worstLagMs <= config.backupLagLimitMs;
    const detail = lastPassError
      ? `backup pass failing: ${lastPassError}`
      : worst
        ? `worst replication lag ${worstLagMs} ms (${worst.slug}${worst.problem ? `: ${worst.problem}` : ''}), limit ${config.backupLagLimitMs} ms, ${lastPlan.databases.length} databases replicated`
        : 'no tenant database to replicate';
    return { ok, worstLagMs, worstSlug: worst?.slug ?? null, detail, tenants };
  }

  async function afterNextPass(signal?: AbortSignal): Promise<void> {
    const done = new Promise<void>((resolve) => passWaiters.push(resolve));
    waker.wake();
    await (signal ? Promise.race([done, new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]) : done);
  }

  return {
    target,
    process: proc,
    status,
    async hold(tenantId, signal) {
      held.add(tenantId);
      listedVolumes = null;
      await afterNextPass(signal);
    },
    async release(tenantId, signal) {
      held.delete(tenantId);
      listedVolumes = null;
      await afterNextPass(signal);
    },
    async run(signal) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      mkdirSync(config.backupDir, { recursive: true, mode: 0o700 });
      await proc.stopLeftover();
      // Parked by an earlier run or another holder: left out of Litestream from the first pass,
      // once that pass has checked each one (asleep since the same moment, files unchanged).
      parked.clear();
      for (const p of readParked(db)) parked.set(p.key, p);
      passNo = 0;
      while (!signal.aborted) {
        const waiters = passWaiters;
        passWaiters = [];
        try {
          await pass();
          failures = 0;
          lastPassError = null;
        } catch (err) {
          failures++;
          lastPassError = (err as Error).message;
          log.warn('backup pass failed', { err: err as Error, failures });
        }
        for (const w of waiters) w();
        await waker.wait(failures ? Math.min(backoffMs(failures), config.backupIntervalMs) : config.backupIntervalMs, signal);
      }
      // Litestream syncs what it has before it exits.
      await proc.stop();
    },
  };
}

/**
 * Sleepers closed per pass, how many at once, and the time a pass may spend closing them (each
 * waits for its final sync). Enough for a host of thousands of sleepers to park them all within
 * a few passes (sleepers registered in bulk; after a restart, the ones parked before are read back).
 */
const MAX_PARKS_PER_PASS = 1000;
/**
 * Parked databases' files are looked at in this many slices, one per full pass (every 4 min on
 * a quiet host, sooner whenever tenants change): at 1,800 sleepers, stat-ing every parked
 * database and WAL each pass was half of the backup pass's CPU (a profile of the density
 * benchmark: ~1.3 % of a core).
 */
const STAMP_SLICES = 8;

/** A database path's slice: a stable hash (FNV-1a) of the path. */
function sliceOf(dbPath: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < dbPath.length; i++) h = Math.imul(h ^ dbPath.charCodeAt(i), 0x01000193);
  return (h >>> 0) % STAMP_SLICES;
}

/** How long Docker's volume list is kept between passes (see volumesFor). */
const VOLUME_RELIST_MS = 30_000;
/**
 * A pass plans in full at least this often even when nothing it reads changed: the parked
 * databases' files (the check of last resort) are looked at a slice per full pass.
 */
const FULL_PASS_MS = VOLUME_RELIST_MS;

function identities(volumes: readonly VolumeOnHost[]): Map<string, string> {
  return new Map(volumes.map((v) => [v.name, v.identity]));
}

function sameVolumes(before: ReadonlyMap<string, string>, now: readonly VolumeOnHost[]): boolean {
  return before.size === now.length && now.every((v) => before.get(v.name) === v.identity);
}
const PARK_CONCURRENCY = 4;
const PARK_BUDGET_MS = 5000;

/** Size, modification time and inode of a database file and of its WAL. */
function stampOf(dbPath: string): FileStamp {
  const one = (p: string) => {
    try {
      const st = statSync(p);
      return `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      return null;
    }
  };
  return { db: one(dbPath), wal: one(`${dbPath}-wal`) };
}

/** Temp file + rename: Litestream, restarted at any moment, never reads half a configuration. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
