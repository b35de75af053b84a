// Composition root. A control-plane process has two roles, named here:
// - web (every process): the HTTP server (pages, API, ForwardAuth, SSO, health, metrics) and
//   its row in the process register. Handlers write desired state and nudge.
// - background work (only the lease holder; role all competes for the lease, role web never
//   does): reconciler, prober, Docker event watcher, resource sampler, rollout runner, backup
//   supervisor, expiry sweep (background/background-work.ts), started and stopped by the lease
//   loop (lease/lease-loop.ts) on a connection of its own whose writes are fenced by the epoch.
// Shutdown order (drain): at once, /__lbheartbeat__ turns red, the row leaves the register (so
// the holder drops this address from Traefik's service) and the lease loop stops (aborts and
// awaits the background work, then releases the lease so another process takes over at once);
// BERTH_DRAIN_MS later (longer than Traefik's health interval: no new request arrives any more)
// the listener closes, finishing requests in flight → close the databases.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createLogger } from '@berth/common/logger';
import { openLogFile } from '@berth/common/log-file';
import { createLeaderBridge } from './background/leader-bridge.js';
import { runBackgroundWork } from './background/background-work.js';
import { openDatabase } from './db/open-database.js';
import { createDockerEngine } from './docker/docker-engine.js';
import { createTraefikApi } from './edge/traefik-api.js';
import { buildApp } from './http/app.js';
import type { LeaseView } from './http/app-deps.js';
import { installFence } from './lease/fence.js';
import { leaseHealth } from './lease/lease-decisions.js';
import { runLeaseLoop } from './lease/lease-loop.js';
import { readLease } from './lease/lease-store.js';
import { listProcesses, runHeartbeat, type ProcessIdentity } from './lease/process-register.js';
import { writeOperatorToken } from './rollout/operator-token.js';
import { controlPlaneOrigin } from './auth/forward-auth-spec.js';
import { sleep } from '@berth/common/wait-for';
import { readVersion } from './version.js';
import type { Db } from './db/open-database.js';

/** How often a standby looks at the lease row (a read): a released lease is taken within this. */
const STANDBY_POLL_MS = 250;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
  const logFile = config.logFile ? openLogFile({ path: config.logFile, maxBytes: config.logMaxBytes, keep: config.logFilesKept }) : undefined;
  const version = readVersion();
  const me: ProcessIdentity = {
    id: `${config.processId || hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`,
    pid: process.pid, version: `${version.version} (${version.commit})`, role: config.role,
    url: controlPlaneOrigin(config), startedAt: Date.now(),
  };
  const log = createLogger({ component: 'control-plane', level: config.logLevel, destination: logFile }).child({ process: me.id });
  // Migrations run here, before this process serves anything (additive: an older process on the same file keeps working).
  const db = openDatabase(join(config.stateDir, 'berth.db'));
  const workDb = openDatabase(join(config.stateDir, 'berth.db'));
  const fence = installFence(workDb);
  const shutdown = new AbortController();
  // The register row: written once this process listens (Traefik is sent only to listeners).
  const leaving = new AbortController();
  const bridge = createLeaderBridge(db, log);
  writeOperatorToken(config.stateDir);

  // Background work: only while this process holds the lease.
  const leaseLoop = config.role === 'all'
    ? runLeaseLoop({
      db: workDb, fence, holder: me.id, log, standbyPollMs: STANDBY_POLL_MS,
      timing: { ttlMs: config.leaseTtlMs, renewMs: config.leaseRenewMs },
      work: (signal, epoch) => runBackgroundWork({ config, db: workDb, log, bridge }, signal, epoch),
    }, shutdown.signal)
    : Promise.resolve();

  // Web: every process.
  const docker = createDockerEngine(config.dockerSocket, config.instance);
  const traefik = createTraefikApi(config.traefikApiUrl);
  const app = await buildApp({
    config,
    db,
    log,
    nudge: bridge.nudge,
    checks: {
      docker: async () => (await docker.ping(), { ok: true }),
      traefik: async () => (await traefik.ping(), { ok: true }),
      lastReconcileAt: bridge.lastReconcileAt,
      backup: () => bridge.backupStatus(),
      lease: () => leaseView(db, config, bridge.current() !== null),
      draining: () => leaving.signal.aborted,
    },
    version,
    wakeRollouts: bridge.wakeRollouts,
    restores: bridge.restores,
    backupStatus: bridge.backupStatus,
    expirySweepElsewhere: true,
  });
  await app.listen({ host: config.httpHost, port: config.httpPort });
  log.info('listening', { url: me.url, public: config.publicUrl, node: process.version, role: config.role });
  const heartbeat = runHeartbeat(db, me, config.leaseRenewMs, leaving.signal, (err) => log.warn('process register write failed', { err }));

  const stop = async (signal: string) => {
    if (leaving.signal.aborted) return;
    log.info('draining', { signal, drainMs: config.drainMs });
    leaving.abort();
    shutdown.abort();
    await sleep(config.drainMs);
    log.info('shutting down', { signal });
    await app.close();
    await Promise.all([leaseLoop, heartbeat]);
    workDb.close();
    db.close();
    process.exit(process.exitCode ?? 0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function leaseView(db: Db, config: Config, holdsLease: boolean): LeaseView {
  const now = Date.now();
  const lease = readLease(db);
  return {
    holdsLease,
    check: leaseHealth(lease, now, { ttlMs: config.leaseTtlMs, renewMs: config.leaseRenewMs }),
    lease,
    processes: listProcesses(db, now, config.leaseRenewMs),
  };
}

main().catch((err) => {
  process.stderr.write(`fatal: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
