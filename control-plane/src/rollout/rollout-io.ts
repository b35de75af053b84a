// What the rollout runner needs from the rest of the control plane: the same Docker, route
// files, Traefik API and prober the reconciler uses (one of each per process), plus the two
// calls that make rollout and reconciler take turns on a tenant.
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { DockerEngine } from '../docker/docker-engine.js';
import type { RouteFiles } from '../edge/route-files.js';
import type { TraefikApi } from '../edge/traefik-api.js';
import type { Logger } from '@berth/common/logger';
import type { Prober } from '../probe/prober.js';
import type { SpecConfig } from '../tenants/container-spec.js';
import type { EdgeProber } from './edge-probe.js';
import type { TenantAppClient } from './tenant-app-client.js';

export type RolloutConfig = SpecConfig &
  Pick<Config, 'domain' | 'publicHttpsPort' | 'readyTimeoutMs' | 'stopGraceS' | 'snapshotsKept' | 'rolloutSettleMs' | 'rolloutStepTimeoutMs'>;

export interface RolloutIo {
  readonly config: RolloutConfig;
  readonly db: Db;
  readonly log: Logger;
  readonly docker: Pick<DockerEngine, 'listContainers' | 'runContainer' | 'stopAndRemove' | 'containerIp'>;
  readonly routes: Pick<RouteFiles, 'write'>;
  readonly traefik: Pick<TraefikApi, 'waitForRoute' | 'appliedService'>;
  /** The reconciler's prober: it must know the new container as ready before the reconciler owns the tenant again. */
  readonly prober: Pick<Prober, 'watch' | 'readiness' | 'forget'>;
  readonly reconciler: {
    /** Resolves once the reconciler runs no action for this tenant (called right after taking its lock). */
    idle(tenantId: number): Promise<void>;
    /** A tenant was released: let the reconciler look at it now. */
    nudge(): void;
  };
  readonly tenantApp: TenantAppClient;
  readonly edgeProbe: EdgeProber;
}
