// Free space of the state directory's filesystem, and the guard that refuses writes which
// would grow it while it is low: SQLite, the route files and the backups share that disk, and
// a control plane whose own writes fail on a full disk takes sign-in down for every tenant.
import { statfsSync } from 'node:fs';
import type { Config } from '../config.js';
import { BerthError } from '../errors.js';

export type DiskGuardConfig = Pick<Config, 'stateDir' | 'minFreeDiskMib'>;

const MIB = 1024 * 1024;

/** Bytes an unprivileged writer may still use on the filesystem holding `dir`. */
export function freeDiskBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Throws DISK_FULL (503) when the state directory's filesystem has less than the setting free. */
export function requireFreeDisk(config: DiskGuardConfig): void {
  if (config.minFreeDiskMib === 0) return;
  const free = freeDiskBytes(config.stateDir);
  if (free < config.minFreeDiskMib * MIB) {
    throw new BerthError('DISK_FULL', `The server is low on disk space (${Math.floor(free / MIB)} MiB free, ${config.minFreeDiskMib} MiB needed); try again later.`, { freeMib: Math.floor(free / MIB), minFreeMib: config.minFreeDiskMib });
  }
}
