// What the web side of a process reaches of the background work, wherever it runs. A handler
// nudges: the nudge is written to the database (so the lease holder, in this process or
// another, wakes) and, when this process holds the lease, delivered to its loop directly as
// well (no poll delay). Operations that need the background machinery itself (a restore) run
// only in the holder; elsewhere they fail with NOT_LEASE_HOLDER.
import type { Logger } from '@berth/common/logger';
import type { BackupStatus, BackupSupervisor } from '../backup/backup-supervisor.js';
import type { Restores } from '../backup/restore.js';
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { bumpWakeup, type WakeupName, type WakeupWatcher } from '../lease/wakeups.js';
import type { Reconciler } from '../reconcile/reconciler.js';

/** The background work of one holding period, as the web side sees it. */
export interface Term {
  readonly epoch: number;
  readonly reconciler: Reconciler;
  readonly wakeRollouts: () => void;
  readonly restores: Restores;
  readonly backup: BackupSupervisor;
  readonly wakeups: WakeupWatcher;
}

export interface LeaderBridge {
  attach(term: Term): void;
  detach(term: Term): void;
  /** The term running in this process, or null (standby, role web, or between terms). */
  current(): Term | null;
  nudge(): void;
  wakeRollouts(): void;
  lastReconcileAt(): number | null;
  readonly restores: Restores;
  backupStatus(): BackupStatus;
}

export function createLeaderBridge(db: Db, log: Logger): LeaderBridge {
  let term: Term | null = null;
  const notHere = (what: string) => new BerthError('NOT_LEASE_HOLDER', `${what} runs in the process holding the background-work lease, and this one does not hold it now`);

  const wake = (name: WakeupName, local: (t: Term) => void) => {
    try {
      const seq = bumpWakeup(db, name);
      if (term) term.wakeups.markSeen(name, seq);
    } catch (err) {
      // Desired state is already written; the holder's periodic resync picks it up.
      log.warn('could not record a wake-up; the next resync will see the change', { name, err: err as Error });
    }
    if (term) local(term);
  };

  return {
    attach(t) {
      term = t;
    },
    detach(t) {
      if (term === t) term = null;
    },
    current: () => term,
    nudge: () => wake('reconcile', (t) => t.reconciler.nudge()),
    wakeRollouts: () => wake('rollouts', (t) => t.wakeRollouts()),
    lastReconcileAt: () => term?.reconciler.lastPassAt() ?? null,
    restores: {
      restore(slug, req, actor, signal) {
        if (!term) throw notHere('A restore');
        return term.restores.restore(slug, req, actor, signal);
      },
    },
    backupStatus() {
      if (!term) throw notHere('Backup replication');
      return term.backup.status();
    },
  };
}
