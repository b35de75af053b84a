// The background work: everything only the lease holder runs. Built afresh for each holding
// period (term), on the fenced connection, so nothing a previous term left in memory (lanes,
// confirmed routes, backoffs) survives a loss of the lease: the new term starts from what the
// database and Docker say, as after a restart. Later background loops are added here.
import type { Logger } from '@berth/common/logger';
import { runExpirySweep } from '../auth/expiry-sweep.js';
import { controlPlaneOrigin } from '../auth/forward-auth-spec.js';
import { createBackupSupervisor } from '../backup/backup-supervisor.js';
import { createRestores, heldWith } from '../backup/restore.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { createControlPlanePool } from '../edge/control-plane-pool.js';
import { createRouteFiles } from '../edge/route-files.js';
import { createWakeupWatcher } from '../lease/wakeups.js';
import { createProvisioning } from '../reconcile/provisioning.js';
import { createRollouts, heldByRollouts } from '../rollout/rollouts.js';
import type { LeaderBridge, Term } from './leader-bridge.js';

/**
 * How often the holder looks for nudges written by other processes (PRAGMA data_version: no
 * I/O) when inotify says nothing: a notice of a write to the database's directory makes it look
 * at once (lease/wakeups.ts). Without the notices it looks every WAKEUP_UNWATCHED_POLL_MS.
 */
export const WAKEUP_POLL_MS = 1000;
export const WAKEUP_UNWATCHED_POLL_MS = 50;

export interface BackgroundDeps {
  readonly config: Config;
  /** The background work's own connection, fenced by the lease epoch. */
  readonly db: Db;
  readonly log: Logger;
  readonly bridge: LeaderBridge;
}

/**
 * Runs the reconciler (with its prober, Docker event watcher and resource sampler), the
 * rollout runner, the backup supervisor, the expiry sweep, the wake-up watcher and the
 * control-plane pool writer until the
 * signal aborts. If one of them fails, the others are stopped too and the failure is thrown
 * once all have ended: the work runs whole or not at all.
 */
export async function runBackgroundWork(deps: BackgroundDeps, signal: AbortSignal, epoch: number): Promise<void> {
  const { config, db, bridge } = deps;
  const log = deps.log.child({ epoch });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop.abort();

  const holds = new Set<number>();
  // Traefik's control-plane service: every live web process (the first write is provisioning's).
  const pool = createControlPlanePool({ config, db, routes: createRouteFiles(config.routesDir), self: controlPlaneOrigin(config), log });
  const provisioning = createProvisioning(config, db, log, { held: heldWith(heldByRollouts(db), holds), writeShared: pool.sync });
  const rollouts = createRollouts(config, db, log, provisioning);
  const backup = createBackupSupervisor({ config, db, docker: provisioning.docker, log });
  const restores = createRestores({ config, db, log, provisioning, backup, holds });
  const wakeups = createWakeupWatcher(db, { reconcile: provisioning.reconciler.nudge, rollouts: rollouts.wake }, { pollMs: WAKEUP_POLL_MS, unwatchedPollMs: WAKEUP_UNWATCHED_POLL_MS, log });
  const term: Term = { epoch, reconciler: provisioning.reconciler, wakeRollouts: rollouts.wake, restores, backup, wakeups };

  bridge.attach(term);
  try {
    const tasks = [
      provisioning.run(stop.signal),
      rollouts.run(stop.signal),
      backup.run(stop.signal),
      wakeups.run(stop.signal),
      pool.run(stop.signal),
      runExpirySweep({ db, log, config }, stop.signal),
    ].map((task) => task.catch((err: unknown) => {
      stop.abort();
      throw err;
    }));
    const failed = (await Promise.allSettled(tasks)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    bridge.detach(term);
    signal.removeEventListener('abort', onAbort);
  }
}
