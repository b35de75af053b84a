// Which directory a tenant volume is on this host. A volume removed and created again under the
// same name is a different database; its mountpoint is a new directory, with a new inode and
// birth time. (Docker's CreatedAt for local volumes is the data directory's modification time,
// which every file the app creates changes: measured, it moved within seconds of a tenant's start.)
import { statSync } from 'node:fs';
import type { ManagedVolume } from '../docker/types.js';
import type { VolumeOnHost } from './replication-plan.js';

export function identityOf(mountpoint: string): string | null {
  try {
    const s = statSync(mountpoint, { bigint: true });
    return `${s.ino}:${s.birthtimeNs}`;
  } catch {
    return null;
  }
}

/** The listed volumes whose directory this process can see. */
export function volumesOnHost(volumes: readonly ManagedVolume[]): VolumeOnHost[] {
  const out: VolumeOnHost[] = [];
  for (const v of volumes) {
    const identity = v.mountpoint ? identityOf(v.mountpoint) : null;
    if (v.mountpoint && identity) out.push({ name: v.name, mountpoint: v.mountpoint, identity });
  }
  return out;
}
