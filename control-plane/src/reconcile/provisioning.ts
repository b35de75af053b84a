// Wires the provisioning machinery (Docker, route files, Traefik API, prober, reconciler,
// event watcher, resource sampler, hibernator) into one unit with one run(signal), so main.ts stays short
// and tests can start exactly what production starts.
import { setMaxListeners } from 'node:events';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { createDockerEngine, type DockerEngine } from '../docker/docker-engine.js';
import { createEgressFirewall } from '../docker/egress-firewall.js';
import { createRouteFiles, type RouteFiles } from '../edge/route-files.js';
import { controlPlaneOrigin } from '../auth/forward-auth-spec.js';
import { sharedDocument } from '../edge/shared-config.js';
import { createTraefikApi, type TraefikApi } from '../edge/traefik-api.js';
import type { Logger } from '@berth/common/logger';
import { runHibernator } from '../hibernate/hibernator.js';
import { sampleResources } from '../metrics/sample-resources.js';
import { createProber, type Prober } from '../probe/prober.js';
import { createTenantAppClient } from '../rollout/tenant-app-client.js';
import { createLimiter } from './limiter.js';
import { createReconciler, type Reconciler } from './reconciler.js';
import { createStatusStore } from './status-store.js';
import { watchDockerEvents } from './watch-events.js';

/** Container starts at once; measured on 2 cores, more than this only lengthens every start. */
const MAX_CONCURRENT_STARTS = 6;
/** Sleepers' containers created (not started) at once: background work, kept out of the starts' way. */
const MAX_CONCURRENT_PREPARES = 4;

export interface Provisioning {
  readonly docker: DockerEngine;
  readonly routes: RouteFiles;
  readonly traefik: TraefikApi;
  readonly prober: Prober;
  readonly reconciler: Reconciler;
  /** Writes the shared route file, then runs every background task until the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
}

export interface ProvisioningOptions {
  readonly held?: () => ReadonlySet<number>;
  /** How long Traefik may take to apply a written route. */
  readonly routeTimeoutMs?: number;
  /** Writes _shared.yml (the lease holder: edge/control-plane-pool.ts); default: this process alone as the control plane. */
  readonly writeShared?: () => Promise<unknown>;
}

export function createProvisioning(config: Config, db: Db, log: Logger, opts: ProvisioningOptions = {}): Provisioning {
  const docker = createDockerEngine(config.dockerSocket, config.instance);
  const routes = createRouteFiles(config.routesDir);
  const traefik = createTraefikApi(config.traefikApiUrl);
  let nudge = () => {};
  const prober = createProber({
    intervalMs: config.probeIntervalMs,
    readyTimeoutMs: config.readyTimeoutMs,
    onChange: (id, view) => {
      // A change moves a container into or out of a route: worth a line at info.
      log.info('readiness changed', { id: id.slice(0, 12), state: view.state, detail: view.detail });
      nudge();
    },
  });
  const statusStore = createStatusStore(db);
  const reconciler = createReconciler({
    config, db, docker, routes, traefik, prober, log, statusStore,
    egress: createEgressFirewall(config.instance, config.tenantEgress),
    confirmedRoutes: new Map(),
    routeTimeoutMs: opts.routeTimeoutMs ?? 10_000,
    starts: createLimiter(MAX_CONCURRENT_STARTS),
    prepares: createLimiter(MAX_CONCURRENT_PREPARES),
    held: opts.held,
  });
  nudge = reconciler.nudge;

  return {
    docker, routes, traefik, prober, reconciler,
    async run(signal) {
      // Every lane, limiter wait and poll listens on this one signal: hundreds at density.
      setMaxListeners(0, signal);
      await routes.init();
      await (opts.writeShared ?? (() => routes.writeShared(sharedDocument(config, [controlPlaneOrigin(config)]))))();
      await Promise.all([
        reconciler.run(signal),
        prober.run(signal),
        watchDockerEvents(docker, prober, reconciler, log, signal),
        sampleResources({ docker, db, statusStore, intervalMs: config.resourceSampleIntervalMs, log }, signal),
        runHibernator({ config, db, docker, tenantApp: createTenantAppClient(), held: opts.held ?? (() => new Set()), nudge: reconciler.nudge, log }, signal),
      ]);
    },
  };
}
