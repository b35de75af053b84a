// Composition root: reads config once, opens the database, starts provisioning (reconciler,
// prober, Docker event watcher) and the HTTP server, and owns the shutdown order:
// stop accepting → abort background tasks and await them → close the database.
import { join } from 'node:path';
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from '@berth/common/logger';
import { openLogFile } from '@berth/common/log-file';
import { createBackupSupervisor } from './backup/backup-supervisor.js';
import { createRestores, heldWith } from './backup/restore.js';
import { openDatabase } from './db/open-database.js';
import { buildApp } from './http/app.js';
import { createProvisioning } from './reconcile/provisioning.js';
import { writeOperatorToken } from './rollout/operator-token.js';
import { createRollouts, heldByRollouts } from './rollout/rollouts.js';
import { readVersion } from './version.js';

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
  const log = createLogger({ component: 'control-plane', level: config.logLevel, destination: logFile });
  const db = openDatabase(join(config.stateDir, 'berth.db'));
  const shutdown = new AbortController();
  const restoreHolds = new Set<number>();
  const provisioning = createProvisioning(config, db, log, { held: heldWith(heldByRollouts(db), restoreHolds) });
  const rollouts = createRollouts(config, db, log, provisioning);
  const backup = createBackupSupervisor({ config, db, docker: provisioning.docker, log });
  const restores = createRestores({ config, db, log, provisioning, backup, holds: restoreHolds });
  writeOperatorToken(config.stateDir);
  const background = Promise.all([provisioning.run(shutdown.signal), rollouts.run(shutdown.signal), backup.run(shutdown.signal)]).catch((err) => {
    log.error('background tasks stopped', { err: err as Error });
    process.exitCode = 1;
  });

  const app = await buildApp({
    config,
    db,
    log,
    nudge: provisioning.reconciler.nudge,
    checks: {
      docker: async () => (await provisioning.docker.ping(), { ok: true }),
      traefik: async () => (await provisioning.traefik.ping(), { ok: true }),
      lastReconcileAt: provisioning.reconciler.lastPassAt,
      backup: () => backup.status(),
    },
    version: readVersion(),
    wakeRollouts: rollouts.wake,
    restores,
    backupStatus: () => backup.status(),
  });
  await app.listen({ host: config.httpHost, port: config.httpPort });
  log.info('listening', { url: `http://${config.httpHost}:${config.httpPort}`, public: config.publicUrl, node: process.version });

  const stop = async (signal: string) => {
    if (shutdown.signal.aborted) return;
    log.info('shutting down', { signal });
    await app.close();
    shutdown.abort();
    await background;
    db.close();
    process.exit(process.exitCode ?? 0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
