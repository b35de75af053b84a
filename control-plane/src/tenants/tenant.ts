// What a tenant is, as the reconciler sees it: one row of desired state. tenant-store.ts is
// the only writer of that row (people's changes through tenant-commands.ts, a rollout's new
// image, the reconciler's record of a purge).
export type DesiredState = 'running' | 'deleted';

export interface Tenant {
  readonly id: number;
  readonly slug: string;
  /** Image reference the tenant should run, e.g. berth/tenant:1.4.0. */
  readonly image: string;
  readonly desiredState: DesiredState;
  /** Bumped whenever the tenant must get a fresh container (rollouts); part of names and labels. */
  readonly generation: number;
  readonly deletedAt: number | null;
  /** Unix ms after which a deleted tenant's volume may be removed. */
  readonly purgeVolumeAfter: number | null;
  readonly volumePurgedAt: number | null;
  /** Desired hibernated: no running container and no route of its own until a wake. */
  readonly asleep: boolean;
  /** When it last went to sleep or was woken (null: never hibernated). */
  readonly asleepChangedAt: number | null;
}

/** The part of the image reference after the last ':' (or 'latest'), for labels and pages. */
export function imageVersionOf(image: string): string {
  const at = image.lastIndexOf('@');
  if (at >= 0) return image.slice(at + 1, at + 20);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}
