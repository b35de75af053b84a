// Public health endpoints (ForwardAuth skips them): liveness, readiness, version.
import type { FastifyInstance } from 'fastify';
import { isServing } from '../../lifecycle/lifecycle-state.js';
import type { AppDeps } from '../app-deps.js';

export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/__lbheartbeat__', async () => ({ ok: true }));

  // Green only when ready, not draining, not stopping, and the database answers.
  app.get('/__heartbeat__', async (_req, reply) => {
    const { state } = deps;
    let database: 'ok' | 'error' = 'ok';
    try {
      deps.readDb.prepare('SELECT 1').get();
    } catch {
      database = 'error';
    }
    const ok = isServing(state) && database === 'ok';
    return reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      ready: state.ready,
      draining: state.draining,
      stopping: state.stopping,
      database,
    });
  });

  app.get('/__version__', async () => ({ version: deps.config.version, commit: deps.config.commit, image: deps.config.image, node: process.version }));
}
