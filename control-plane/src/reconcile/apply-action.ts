// Performs one planned action against Docker, the route directory and Traefik. Each action
// is idempotent: after a crash the next pass plans what is still missing and repeats it.
import { recordRemoval } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { DockerEngine } from '../docker/docker-engine.js';
import type { RouteFiles } from '../edge/route-files.js';
import type { TraefikApi } from '../edge/traefik-api.js';
import type { Logger } from '@berth/common/logger';
import type { Prober } from '../probe/prober.js';
import { renderRoute } from '../edge/route-text.js';
import { newContainerName } from '../tenants/container-spec.js';
import { routeFor, serverUrlFor } from '../tenants/route.js';
import { sleep } from '@berth/common/wait-for';
import { recordVolumePurged } from '../tenants/tenant-store.js';
import { forgetUpstream, recordUpstream } from '../hibernate/wake-upstreams.js';
import type { Action } from './actions.js';
import type { Limiter } from './limiter.js';

export interface ApplyDeps {
  readonly config: Pick<Config, 'network' | 'stopGraceS' | 'domain'>;
  readonly db: Db;
  readonly docker: DockerEngine;
  readonly routes: RouteFiles;
  readonly traefik: TraefikApi;
  readonly prober: Prober;
  readonly log: Logger;
  /** Route text Traefik confirmed, by slug; the planner reads it to know what is live. */
  readonly confirmedRoutes: Map<string, string>;
  /** Deadline for Traefik to apply a written route. */
  readonly routeTimeoutMs: number;
  /** Bounds concurrent container starts. */
  readonly starts: Limiter;
  /**
   * Bounds concurrent creations of sleepers' stopped containers: after a rollout over thousands
   * of sleepers they must not queue in front of (or starve the CPU of) starts and wakes.
   */
  readonly prepares: Limiter;
}

export async function applyAction(deps: ApplyDeps, action: Action, signal: AbortSignal): Promise<void> {
  const { docker, log } = deps;
  switch (action.kind) {
    case 'ensure-volume':
      await docker.ensureVolume(action.name, action.labels);
      return;
    case 'run-container': {
      const name = newContainerName(action.spec);
      const started = Date.now();
      const { id, ip } = await deps.starts.run(() => docker.runContainer(action.spec, name), signal);
      // Probe only once the start call returned: earlier, the address may not route yet.
      if (ip) deps.prober.watch({ id, ip });
      log.info('container started', { tenant: action.slug, container: name, id: id.slice(0, 12), ip, ms: Date.now() - started });
      if (action.firstRoute && ip) await routeWhenReady(deps, action.slug, id, ip, signal);
      return;
    }
    case 'create-container': {
      const name = newContainerName(action.spec);
      const { volume } = action;
      const id = await deps.prepares.run(async () => {
        if (volume) await docker.ensureVolume(volume.name, volume.labels);
        return docker.createContainer(action.spec, name);
      }, signal);
      log.info('container created for a sleeper', { tenant: action.slug, container: name, id: id.slice(0, 12) });
      return;
    }
    case 'start-container': {
      const queued = Date.now();
      let called = queued;
      await deps.starts.run(() => {
        called = Date.now();
        return docker.startContainer(action.containerId);
      }, signal);
      const started = Date.now();
      const ip = await docker.containerIp(action.containerId, deps.config.network);
      if (ip) deps.prober.watch({ id: action.containerId, ip });
      // startMs: Docker's start call; queuedMs: waiting for the starts' limiter; ipMs: the inspect after it.
      log.info('container restarted', { tenant: action.slug, id: action.containerId.slice(0, 12), ip, queuedMs: called - queued, startMs: started - called, ipMs: Date.now() - started });
      if (action.firstRoute && ip) await routeWhenReady(deps, action.slug, action.containerId, ip, signal);
      return;
    }
    case 'write-route':
      await deps.routes.write(action.slug, action.doc);
      deps.confirmedRoutes.delete(action.slug);
      log.info('route written', { tenant: action.slug, servers: action.servers });
      await confirm(deps, action.slug, action.text, action.servers, signal);
      return;
    case 'confirm-route':
      await confirm(deps, action.slug, action.text, action.servers, signal);
      return;
    case 'remove-route':
      await deps.routes.remove(action.slug);
      deps.confirmedRoutes.delete(action.slug);
      recordRemoval(deps.db, 'route.remove', action.slug, { reason: action.reason }, Date.now());
      log.info('route removed', { tenant: action.slug, reason: action.reason });
      if (action.confirmGone) await deps.traefik.waitForRouteGone(action.slug, { timeoutMs: deps.routeTimeoutMs, signal });
      return;
    case 'stop-container':
      await docker.stopContainer(action.containerId, deps.config.stopGraceS);
      deps.prober.forget(action.containerId);
      forgetUpstream(deps.db, action.containerId);
      log.info('container stopped', { tenant: action.slug, container: action.name, reason: action.reason });
      return;
    case 'remove-container':
      await docker.stopAndRemove(action.containerId, deps.config.stopGraceS);
      deps.prober.forget(action.containerId);
      forgetUpstream(deps.db, action.containerId);
      recordRemoval(deps.db, 'container.remove', action.slug ?? action.name, { container: action.name, reason: action.reason }, Date.now());
      log.info('container removed', { tenant: action.slug, container: action.name, reason: action.reason });
      return;
    case 'purge-volume':
      await docker.removeVolume(action.name);
      recordVolumePurged(deps.db, { id: action.tenantId, slug: action.slug }, action.name, Date.now());
      log.info('volume purged', { tenant: action.slug, volume: action.name });
      return;
    default:
      assertNever(action);
  }
}

/** How long a started container's step waits for its readiness to write the first route itself. */
const FIRST_ROUTE_WAIT_MS = 10_000;

/**
 * The first route of a tenant with none (a new one, a woken one), written by the step that
 * started its container as soon as the prober sees it ready, and confirmed in Traefik: the same
 * route the next pass would plan (routeFor with this one ready server), without waiting for that
 * pass. The lane is busy meanwhile, so no pass plans this tenant twice. Not ready in time, or
 * found not ready: left to the passes, as before. The ready address is recorded before the route
 * is written (hibernate/wake-upstreams.ts): the waker forwards to it until Traefik serves the route.
 */
async function routeWhenReady(deps: ApplyDeps, slug: string, id: string, ip: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + FIRST_ROUTE_WAIT_MS;
  for (;;) {
    const { state } = deps.prober.readiness(id);
    if (state === 'ready') break;
    if (state === 'not-ready' || Date.now() > deadline || signal.aborted) return;
    await sleep(10, signal).catch(() => undefined);
  }
  // Nothing else writes this tenant's route meanwhile: passes skip its busy lane, and a rollout
  // waits for the lane to be idle before it takes the tenant.
  const servers = [serverUrlFor(ip)];
  // First, so the waker can forward the requests waiting for this tenant while Traefik applies the route.
  recordUpstream(deps.db, slug, id, servers[0]!, Date.now());
  deps.log.info('upstream ready', { tenant: slug, url: servers[0] });
  const doc = routeFor({ slug }, servers, deps.config);
  await deps.routes.write(slug, doc);
  deps.confirmedRoutes.delete(slug);
  deps.log.info('route written', { tenant: slug, servers, first: true });
  await confirm(deps, slug, renderRoute(doc), servers, signal);
}

async function confirm(deps: ApplyDeps, slug: string, text: string, servers: readonly string[], signal: AbortSignal): Promise<void> {
  await deps.traefik.waitForRoute(slug, servers, { timeoutMs: deps.routeTimeoutMs, signal });
  deps.confirmedRoutes.set(slug, text);
}

function assertNever(x: never): never {
  throw new Error(`unhandled action ${JSON.stringify(x)}`);
}
