// Which replicated databases Litestream should close ("park") and which it should take back,
// as a pure function. A hibernated tenant's container is stopped, so nothing writes its
// database: Litestream's per-database monitor (a stat and a WAL read every sync interval, for
// every sleeper) is work for nothing. Litestream's own `stop` closes a database only after its
// last sync to the replica succeeded, so a parked database's replica is complete.
//
// A parked database is taken back as soon as anything says it may change again: its tenant is
// no longer hibernated, it went to sleep again since it was parked (a wake came between two
// passes), or its file or WAL is not as it was when parked (size, modification time, inode).
import type { ReplicatedDb } from './replication-plan.js';

/** What a database file and its WAL looked like; null parts are missing files. */
export interface FileStamp {
  readonly db: string | null;
  readonly wal: string | null;
}

export interface ParkedDb {
  readonly key: string;
  /** The tenant's asleep_changed_at when it was parked: a later sleep means a wake in between. */
  readonly asleepSince: number | null;
  readonly stamp: FileStamp;
  /** When Litestream confirmed its last sync and closed it. */
  readonly parkedAt: number;
}

export interface ParkingInput {
  /** What the replication plan replicates now. */
  readonly databases: readonly ReplicatedDb[];
  /** Tenants the reconciler has seen hibernated since their last sleep (tenant id → asleep_changed_at). */
  readonly hibernated: ReadonlyMap<number, number | null>;
  readonly parked: ReadonlyMap<string, ParkedDb>;
  /** The current stamp of a parked database's files. */
  readonly stampOf: (dbPath: string) => FileStamp;
  /** At most this many databases are parked per pass (each waits for its last sync). */
  readonly maxParks: number;
  /**
   * Whether this pass looks at a parked database's files (default: all). Thousands of sleepers'
   * files are looked at a slice per pass: a wake or a second sleep is seen at once without them,
   * so the files are the check of last resort (a hand edit), not the way wakes are found.
   */
  readonly stampDue?: (dbPath: string) => boolean;
}

export interface ParkingPlan {
  readonly park: readonly ReplicatedDb[];
  readonly unpark: readonly { readonly db: ReplicatedDb; readonly reason: string }[];
  /** Parked entries whose database is no longer replicated at all (deleted, held, new lineage): forgotten. */
  readonly forget: readonly string[];
}

/** A database within one lineage: a new lineage of the same file is another replication. */
export function replicationKey(d: Pick<ReplicatedDb, 'dbPath' | 'lineageId'>): string {
  return `${d.dbPath}#${d.lineageId}`;
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.db === b.db && a.wal === b.wal;
}

/** Sleepers replicated but not parked yet, at most `maxParks` of them. */
export function sleepersToPark(input: Pick<ParkingInput, 'databases' | 'hibernated' | 'parked' | 'maxParks'>): ReplicatedDb[] {
  const park: ReplicatedDb[] = [];
  for (const d of input.databases) {
    if (park.length >= input.maxParks) break;
    if (input.hibernated.has(d.tenantId) && !input.parked.has(replicationKey(d))) park.push(d);
  }
  return park;
}

export function planParking(input: ParkingInput): ParkingPlan {
  const unpark: { db: ReplicatedDb; reason: string }[] = [];
  const replicated = new Set<string>();
  for (const d of input.databases) {
    const key = replicationKey(d);
    replicated.add(key);
    const parked = input.parked.get(key);
    const asleep = input.hibernated.has(d.tenantId);
    if (parked) {
      if (!asleep) unpark.push({ db: d, reason: 'awake' });
      else if (input.hibernated.get(d.tenantId) !== parked.asleepSince) unpark.push({ db: d, reason: 'woken and asleep again since parked' });
      else if ((input.stampDue?.(d.dbPath) ?? true) && !sameStamp(input.stampOf(d.dbPath), parked.stamp)) unpark.push({ db: d, reason: 'database changed while parked' });
    }
  }
  const forget = [...input.parked.keys()].filter((k) => !replicated.has(k));
  return { park: sleepersToPark(input), unpark, forget };
}
