// Health endpoints in the style of long-running production services (Dockerflow):
// /__lbheartbeat__ says the process is up; /__heartbeat__ says it can do its job. Through
// Traefik (the public control-plane host) the heartbeat says only ok or failing: the check
// details carry internal error text (paths, addresses, engine messages). They are answered
// only to a request addressed to the loopback listener itself, i.e. from the host.
import { freeDiskBytes, type DiskGuardConfig } from '../db/free-disk.js';
import type { FastifyInstance } from 'fastify';
import type { AppDeps, DependencyCheck } from './app-deps.js';
import { isLoopbackHost } from './forward-auth-routes.js';

export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  // Red while draining (BERTH_DRAIN_MS before the listener closes): Traefik's health check
  // takes this process out of the control-plane service before it stops accepting.
  app.get('/__lbheartbeat__', async (_req, reply) => {
    if (deps.checks.draining?.()) return reply.status(503).send({ ok: false, draining: true });
    return { ok: true };
  });

  // The runtime is part of the version: berth pins it (infra/scripts/lib.sh), and an upgrade is checked here.
  app.get('/__version__', async () => ({ name: 'berth-control-plane', ...deps.version, node: process.version }));

  app.get('/__heartbeat__', async (req, reply) => {
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
    checks.disk = diskCheck(deps.config);
    // Several processes on one database: the reconciler and backups run in the lease holder
    // only, so another process checks the lease instead (red when nobody held it for 2 TTLs).
    const lease = deps.checks.lease?.();
    if (lease) checks.lease = lease.check;
    if (!lease || lease.holdsLease) {
      const last = deps.checks.lastReconcileAt();
      // Twice the resync interval: one pass may legitimately run late by one period.
      const maxAge = 2 * deps.config.reconcileIntervalMs;
      checks.reconciler = last === null
        ? { ok: false, detail: 'no reconcile pass has completed yet' }
        : Date.now() - last <= maxAge
          ? { ok: true, detail: `last pass ${Date.now() - last} ms ago` }
          : { ok: false, detail: `last pass ${Date.now() - last} ms ago (limit ${maxAge} ms)` };
      if (deps.checks.backup) checks.backup = deps.checks.backup();
    }
    const ok = Object.values(checks).every((c) => c.ok);
    reply.header('cache-control', 'no-store');
    if (!isLoopbackHost(req.headers.host)) return reply.status(ok ? 200 : 500).send({ ok });
    return reply.status(ok ? 200 : 500).send(lease ? { ok, checks, lease: lease.lease, processes: lease.processes } : { ok, checks });
  });
}

async function safe(check: () => Promise<DependencyCheck>): Promise<DependencyCheck> {
  try {
    return await check();
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** Free space of the state directory's filesystem against BERTH_MIN_FREE_DISK_MIB. */
function diskCheck(config: DiskGuardConfig): DependencyCheck {
  try {
    const freeMib = Math.floor(freeDiskBytes(config.stateDir) / (1024 * 1024));
    return { ok: freeMib >= config.minFreeDiskMib, detail: `${freeMib} MiB free (minimum ${config.minFreeDiskMib} MiB)` };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}
