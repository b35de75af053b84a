import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { Logger } from '@berth/common/logger';
import type { BackupStatus } from '../backup/backup-supervisor.js';
import type { Restores } from '../backup/restore.js';
import type { LeaseRow } from '../lease/lease-decisions.js';
import type { ProcessView } from '../lease/process-register.js';

export interface DependencyCheck {
  readonly ok: boolean;
  readonly detail?: string;
}

/** The background-work lease and the process register, as this process sees them now. */
export interface LeaseView {
  /** This process runs the background work: its reconciler and backup checks apply. */
  readonly holdsLease: boolean;
  readonly check: DependencyCheck;
  readonly lease: LeaseRow | null;
  readonly processes: readonly ProcessView[];
}

/** What the HTTP layer needs from the rest of the process; main.ts builds it. */
export interface AppDeps {
  readonly config: Config;
  readonly db: Db;
  readonly log: Logger;
  /** Wake the reconciler after desired state changed (handlers never call Docker). */
  readonly nudge: () => void;
  readonly checks: {
    readonly docker: () => Promise<DependencyCheck>;
    readonly traefik: () => Promise<DependencyCheck>;
    /** Unix ms of the end of the reconciler's last completed pass, or null before the first. */
    readonly lastReconcileAt: () => number | null;
    /** Replication of the tenant databases (worst lag against its limit), where the backup supervisor runs. */
    readonly backup?: () => DependencyCheck;
    /** Several processes on one database: who holds the lease. Without it the process runs everything itself. */
    readonly lease?: () => LeaseView;
    /** True once the process is stopping: /__lbheartbeat__ answers 503 so Traefik's health check takes it out first. */
    readonly draining?: () => boolean;
  };
  readonly version: { readonly version: string; readonly commit: string };
  /** Wake the rollout runner after a rollout was created or cancelled (it also polls). */
  readonly wakeRollouts?: () => void;
  /** Whole-database restores (where the backup supervisor runs). */
  readonly restores?: Restores;
  readonly backupStatus?: () => BackupStatus;
  /** The expiry sweep runs with the lease holder's background work (main.ts), not with the app. */
  readonly expirySweepElsewhere?: boolean;
}
