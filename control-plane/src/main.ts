// Composition root: reads config once, opens the database, starts the background tasks and
// the HTTP server, and owns the shutdown order (stop accepting → stop background tasks →
// close the database).
import { join } from 'node:path';
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './log.js';
import { openDatabase } from './db/open-database.js';
import { buildApp } from './http/app.js';
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
  const log = createLogger(config.logLevel, 'control-plane');
  const db = openDatabase(join(config.stateDir, 'berth.db'));
  const shutdown = new AbortController();

  const app = await buildApp({
    config,
    db,
    log,
    nudge: () => {},
    checks: {
      docker: async () => ({ ok: false, detail: 'reconciler not wired' }),
      traefik: async () => ({ ok: false, detail: 'reconciler not wired' }),
      lastReconcileAt: () => null,
    },
    version: readVersion(),
  });
  await app.listen({ host: config.httpHost, port: config.httpPort });
  log.info('listening', { url: `http://${config.httpHost}:${config.httpPort}`, public: config.publicUrl });

  const stop = async (signal: string) => {
    if (shutdown.signal.aborted) return;
    log.info('shutting down', { signal });
    shutdown.abort();
    await app.close();
    db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
