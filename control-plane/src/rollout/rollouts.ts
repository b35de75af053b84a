// Wires the rollout runner to the provisioning machinery of the same process (one Docker
// client, one route writer, one prober), so main.ts adds one line per concern.
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { Logger } from '@berth/common/logger';
import type { Provisioning } from '../reconcile/provisioning.js';
import { createEdgeProber } from './edge-probe.js';
import { createRolloutRunner, type RolloutRunner } from './rollout-runner.js';
import { lockedTenantIds } from './rollout-store.js';
import { createTenantAppClient } from './tenant-app-client.js';

export function createRollouts(config: Config, db: Db, log: Logger, provisioning: Provisioning): RolloutRunner {
  return createRolloutRunner({
    config,
    db,
    log,
    docker: provisioning.docker,
    routes: provisioning.routes,
    traefik: provisioning.traefik,
    prober: provisioning.prober,
    reconciler: provisioning.reconciler,
    tenantApp: createTenantAppClient(),
    edgeProbe: createEdgeProber(config),
  });
}

/** The reconciler's hook: tenants a rollout holds are left alone. */
export function heldByRollouts(db: Db): () => ReadonlySet<number> {
  return () => lockedTenantIds(db);
}
