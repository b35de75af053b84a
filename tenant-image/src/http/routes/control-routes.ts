// Endpoints for the control plane only (the restore ones: restore-control-routes.ts, same scope).
// The control plane probes containers directly; anything that came through Traefik carries X-Forwarded-For, so such requests are refused outright.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CONTENT_TYPE } from '@berth/common/metrics';
import { metrics } from '../../metrics/registry.js';
import { takeSnapshot } from '../../db/snapshot.js';
import { BerthError } from '../../errors.js';
import type { AppDeps } from '../app-deps.js';

export function registerControlRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.addHook('onRequest', async (req) => {
    if (req.headers['x-forwarded-for'] !== undefined) {
      throw new BerthError('CONTROL_PLANE_ONLY', '/__berth/ endpoints are only for the control plane');
    }
  });

  scope.get('/__berth/state', async () => ({
    ready: deps.state.ready,
    draining: deps.state.draining,
    stopping: deps.state.stopping,
    inflight: deps.state.inflight,
    imports: deps.imports.runningCount(),
    version: deps.config.version,
    container: deps.containerName,
    rssBytes: process.memoryUsage.rss(),
  }));

  scope.get('/__berth/metrics', async (_req, reply) => reply.type(CONTENT_TYPE).send(metrics.render()));

  // Turns /__heartbeat__ red while the process keeps serving whatever still reaches it.
  scope.post('/__berth/drain', async () => {
    deps.state.draining = true;
    deps.log.info('draining: readiness is now red');
    return { draining: true };
  });

  // Before a rollout (ROLLOUT.md step 0): a copy of the database under <data>/snapshots.
  scope.post<{ Body: { keep?: number; label?: string } }>(
    '/__berth/snapshot',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            keep: { type: 'integer', minimum: 1, maximum: 100 },
            label: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          },
        },
      },
    },
    async (req) => {
      const snapshot = takeSnapshot(deps.db, join(deps.config.dataDir, 'snapshots'), req.body?.keep ?? 3, req.body?.label ?? 'manual');
      deps.log.info('database snapshot', { file: snapshot.file, ms: snapshot.ms, removed: snapshot.removed.length });
      return snapshot;
    },
  );
}
