// The hibernator: the background task (with the reconciler, in the lease holder) that finds
// idle tenants and makes them desired asleep. It only writes desired state and nudges; the
// reconciler converges (route out, confirmed, then a graceful stop). A tenant busy with an
// import (its app says so) stays awake.
import type { Logger } from '@berth/common/logger';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { DockerEngine } from '../docker/docker-engine.js';
import { hibernations } from '../metrics/registry.js';
import { containersOf } from '../reconcile/tenant-containers.js';
import type { TenantAppClient } from '../rollout/tenant-app-client.js';
import { listHibernationCandidates, markAsleep, recordLastRequests } from '../tenants/tenant-store.js';
import { createWaker } from '../wait/waker.js';
import { idleSince, isIdle, sweepIntervalMs } from './idle.js';

export interface HibernatorDeps {
  readonly config: Pick<Config, 'hibernateAfterMs'>;
  readonly db: Db;
  readonly docker: Pick<DockerEngine, 'listContainers'>;
  readonly tenantApp: Pick<TenantAppClient, 'state'>;
  /** Tenants a rollout or a restore owns: never put to sleep under them. */
  readonly held: () => ReadonlySet<number>;
  readonly nudge: () => void;
  readonly log: Logger;
}

export async function runHibernator(deps: HibernatorDeps, signal: AbortSignal): Promise<void> {
  const { hibernateAfterMs } = deps.config;
  if (hibernateAfterMs === 0) return;
  const termStart = Date.now();
  const waker = createWaker();
  while (!signal.aborted) {
    try {
      await sweep(deps, termStart, signal);
    } catch (err) {
      if (signal.aborted) break;
      deps.log.warn('hibernation sweep failed; the next one retries', { err: err as Error });
    }
    await waker.wait(sweepIntervalMs(hibernateAfterMs), signal);
  }
}

async function sweep(deps: HibernatorDeps, termStart: number, signal: AbortSignal): Promise<void> {
  const { config, log } = deps;
  const held = deps.held();
  const idle = listHibernationCandidates(deps.db).filter((t) => !held.has(t.id) && isIdle(t, termStart, Date.now(), config.hibernateAfterMs));
  if (idle.length === 0) return;
  const containers = await deps.docker.listContainers(undefined, { running: true });
  for (const t of idle) {
    signal.throwIfAborted();
    // One running container: a tenant starting, being replaced or already stopped waits.
    const running = containersOf(t.id, containers).filter((c) => c.state === 'running' && c.ip);
    if (running.length !== 1) continue;
    let state;
    try {
      state = await deps.tenantApp.state(running[0]!.ip!, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      log.warn('cannot ask a tenant whether it is busy; it stays awake', { tenant: t.slug, err: err as Error });
      continue;
    }
    // An import counts as activity: a whole idle period starts when it ends.
    if ((state.imports ?? 0) > 0) {
      recordLastRequests(deps.db, new Map([[t.slug, Date.now()]]));
      continue;
    }
    // A request in flight right now (perhaps a probe): look again next sweep.
    if (state.inflight > 0) continue;
    const since = idleSince(t, termStart);
    // markAsleep re-checks, in its transaction, that it is still awake, unpinned and got no newer request.
    if (markAsleep(deps.db, t.id, t.lastRequestAt, since, Date.now())) {
      hibernations.inc();
      log.info('hibernating an idle tenant', { tenant: t.slug, idleS: Math.round((Date.now() - since) / 1000) });
      deps.nudge();
    }
  }
}
