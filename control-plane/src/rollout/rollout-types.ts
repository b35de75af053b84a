// The rollout vocabulary: the states a rollout and each of its tenants move through, as string
// unions checked exhaustively. Everything here is persisted (rollouts, rollout_tenants).

/** Overall state. `failed` covers a failed canary and a finished rollout with tenants not rolled. */
export type RolloutState = 'pending' | 'canary' | 'running' | 'failed' | 'done' | 'cancelled';
export const ACTIVE_ROLLOUT_STATES: readonly RolloutState[] = ['pending', 'canary', 'running'];

/**
 * Negative controls for the proof harness (allowed only with BERTH_ALLOW_UNSAFE_ROLLOUTS=true).
 * Each deliberately breaks one rule of ROLLOUT.md so the harness can show it notices:
 *  - stop-before-unroute: the old container is stopped while Traefik still routes to it (F2);
 *  - no-drain: the old container is killed (grace 0) right after leaving the route, cutting
 *    its in-flight requests (F4).
 */
export type UnsafeMode = 'stop-before-unroute' | 'no-drain';
export const UNSAFE_MODES: readonly UnsafeMode[] = ['stop-before-unroute', 'no-drain'];

/**
 * One tenant's steps (ROLLOUT.md "The per-tenant rollout"). Forward order depends on the
 * unsafe mode (see forwardSteps); rollback steps undo everything before the old container is
 * stopped.
 */
export type ForwardStep =
  | 'lock'
  | 'snapshot'
  | 'start-new'
  | 'wait-ready'
  | 'route-both'
  | 'probe-edge'
  | 'route-new'
  | 'drain-old'
  | 'stop-old'
  | 'commit'
  | 'verify';
export type RollbackStep = 'rollback-route' | 'rollback-drain-new' | 'rollback-remove-new' | 'rollback-release';
export type Step = ForwardStep | RollbackStep;

/** A tenant's place in a rollout. */
export type RolloutTenantState =
  /** Not started yet. */
  | 'pending'
  /** Moving forward through the steps; holds the tenant's lock. */
  | 'rolling'
  /** Undoing a failed attempt; holds the lock; the old container keeps serving. */
  | 'rolling-back'
  /** Runs the new image; lock released. */
  | 'done'
  /** The attempt was undone (reason says why); old container serving; lock released. */
  | 'rolled-back'
  /** Could not be rolled nor cleanly undone, or failed after its old container was stopped. */
  | 'failed'
  /** Never started: already on the image, not running, or the rollout stopped first. */
  | 'skipped';

export const HOLDS_LOCK: readonly RolloutTenantState[] = ['rolling', 'rolling-back'];
export const FINISHED_TENANT_STATES: readonly RolloutTenantState[] = ['done', 'rolled-back', 'failed', 'skipped'];

export interface RolloutTenant {
  readonly rolloutId: number;
  readonly tenantId: number;
  readonly slug: string;
  readonly position: number;
  readonly canary: boolean;
  readonly state: RolloutTenantState;
  readonly step: Step | null;
  readonly fromImage: string | null;
  readonly fromGeneration: number | null;
  readonly toGeneration: number | null;
  readonly oldContainerId: string | null;
  readonly oldUrl: string | null;
  readonly newContainerId: string | null;
  readonly newUrl: string | null;
  readonly reason: string | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

export interface Rollout {
  readonly id: number;
  readonly image: string;
  readonly state: RolloutState;
  /** Slugs asked for, or null for every running tenant. */
  readonly selection: readonly string[] | null;
  readonly canary: number;
  readonly parallel: number;
  readonly unsafe: UnsafeMode | null;
  readonly cancelRequested: boolean;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly error: string | null;
}

export interface RolloutEvent {
  readonly id: number;
  readonly rolloutId: number;
  readonly slug: string | null;
  /** Unix ms with sub-millisecond precision (the proof compares "unrouted" with "stop called"). */
  readonly at: number;
  readonly step: string;
  readonly phase: EventPhase;
  readonly detail: string | null;
}

/**
 * start/end/fail bracket a step; milestone marks a moment the proof checks
 * (old-unrouted, old-stop-called, old-removed); state marks a rollout or tenant state change.
 */
export type EventPhase = 'start' | 'end' | 'fail' | 'milestone' | 'state';
