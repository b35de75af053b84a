// The control-plane web processes as Traefik's `berth-cp` service: the lease holder keeps
// _shared.yml listing the address of every live process of the register, rewritten (atomically,
// like route files) whenever that set changes. Traefik's health check covers the seconds between
// a process dying and its row going silent; this list covers processes that come and go.
import type { Logger } from '@berth/common/logger';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { listProcesses, type ProcessView } from '../lease/process-register.js';
import { createWaker } from '../wait/waker.js';
import { renderRoute } from './route-text.js';
import type { RouteFiles } from './route-files.js';
import { sharedDocument } from './shared-config.js';

/** How often the holder re-reads the register (one indexed read of a handful of rows). */
export const POOL_POLL_MS = 500;

/**
 * The origins Traefik balances over: every serving (not silent) process, once per address (a
 * process restarted on its port registers anew while its predecessor's row ages out). Never
 * empty: with no serving row (the register unreadable a moment), the holder's own address.
 */
export function controlPlaneServers(processes: readonly ProcessView[], self: string): string[] {
  const urls = new Set(processes.filter((p) => p.state === 'serving').map((p) => p.url));
  return urls.size ? [...urls].sort() : [self];
}

export interface PoolDeps {
  readonly config: Config;
  /** Any connection: the register is not fenced (every process writes its own row). */
  readonly db: Db;
  readonly routes: RouteFiles;
  /** This process's origin (controlPlaneOrigin). */
  readonly self: string;
  readonly log: Logger;
}

export interface ControlPlanePool {
  /** Writes _shared.yml if what it should say changed; returns whether it wrote. */
  sync(): Promise<boolean>;
  /**
   * sync() every POOL_POLL_MS until the signal aborts, the first one a period after the start
   * (the term's first write is provisioning's, after it cleaned the staging directory); a
   * failed write is retried on the next tick.
   */
  run(signal: AbortSignal): Promise<void>;
}

export function createControlPlanePool(deps: PoolDeps): ControlPlanePool {
  const { config, db, routes, self, log } = deps;
  let written: string | null = null;
  const sync = async () => {
    const servers = controlPlaneServers(listProcesses(db, Date.now(), config.leaseRenewMs), self);
    const doc = sharedDocument(config, servers);
    const text = renderRoute(doc);
    if (text === written) return false;
    await routes.writeShared(doc);
    written = text;
    log.info('control-plane service written', { servers });
    return true;
  };
  return {
    sync,
    async run(signal) {
      const sleep = createWaker();
      for (;;) {
        await sleep.wait(POOL_POLL_MS, signal);
        if (signal.aborted) return;
        try {
          await sync();
        } catch (err) {
          log.warn('could not write the control-plane service; retrying', { err: err as Error });
        }
      }
    },
  };
}
