// What the rest of berth knows about Docker objects: small plain structs copied out of the
// engine's answers (no dockerode types leave this folder).
import type { Labels } from '../tenants/labels.js';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ManagedContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Labels;
  readonly state: ContainerState;
  /** Address on the tenant network while running, else null. */
  readonly ip: string | null;
  /** Unix ms. */
  readonly createdAt: number;
}

export interface ManagedVolume {
  readonly name: string;
  readonly labels: Labels;
  /** Where its files are on the engine's host (what the resource sampler measures), when listed. */
  readonly mountpoint?: string;
}

export interface ManagedNetwork {
  readonly id: string;
  readonly name: string;
  /** Its Linux bridge interface (what the egress firewall matches on). */
  readonly bridge: string;
  readonly labels: Labels;
}

/** Container lifecycle events the reconciler wakes on. */
export type ContainerEventAction = 'create' | 'start' | 'die' | 'destroy';

export interface ContainerEvent {
  readonly action: ContainerEventAction;
  readonly id: string;
  readonly labels: Labels;
  /** Unix ms. */
  readonly at: number;
}

export interface MemoryStats {
  /** cgroup usage including page cache. */
  readonly usageBytes: number;
  /** usage minus inactive file cache: what `docker stats` shows and what pressure would reclaim last. */
  readonly workingSetBytes: number;
  readonly limitBytes: number;
  /** CPU time the container has used since it started (ns); the sampler turns two into a rate. */
  readonly cpuUsageNs: number | null;
}
