// Health endpoints in the style of long-running production services (Dockerflow):
// /__lbheartbeat__ says the process is up; /__heartbeat__ says it can do its job.
import type { FastifyInstance } from 'fastify';
import type { AppDeps, DependencyCheck } from './app-deps.js';

export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/__lbheartbeat__', async () => ({ ok: true }));

  app.get('/__version__', async () => ({ name: 'berth-control-plane', ...deps.version }));

  app.get('/__heartbeat__', async (_req, reply) => {
    const checks: Record<string, DependencyCheck> = {};
    try {
      deps.db.prepare('SELECT 1').get();
      checks.database = { ok: true };
    } catch (err) {
      checks.database = { ok: false, detail: (err as Error).message };
    }
    const [docker, traefik] = await Promise.all([safe(deps.checks.docker), safe(deps.checks.traefik)]);
    checks.docker = docker;
    checks.traefik = traefik;
    const last = deps.checks.lastReconcileAt();
    // Twice the resync interval: one pass may legitimately run late by one period.
    const maxAge = 2 * deps.config.reconcileIntervalMs;
    checks.reconciler = last === null
      ? { ok: false, detail: 'no reconcile pass has completed yet' }
      : Date.now() - last <= maxAge
        ? { ok: true, detail: `last pass ${Date.now() - last} ms ago` }
        : { ok: false, detail: `last pass ${Date.now() - last} ms ago (limit ${maxAge} ms)` };
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.status(ok ? 200 : 500).send({ ok, checks });
  });
}

async function safe(check: () => Promise<DependencyCheck>): Promise<DependencyCheck> {
  try {
    return await check();
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}
