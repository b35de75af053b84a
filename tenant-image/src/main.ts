// Composition root. Order matters for zero-downtime rollouts (ROLLOUT.md F1): open the
// database, migrate, clean what a crash left behind, and only then listen — a container that
// accepts connections is ready. Shutdown order lives in lifecycle/shutdown.ts.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { createLogger } from '@berth/common/logger';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase, openReadConnection } from './db/open-database.js';
import { buildApp } from './http/app.js';
import { loadCsvImport } from './imports/csv-import-api.js';
import { createImportJobs } from './imports/import-jobs.js';
import { createDataBudget } from './imports/data-budget.js';
import { removeStaleUploads } from './imports/upload-store.js';
import { runUploadSweep } from './imports/upload-sweep.js';
import { createLifecycleState } from './lifecycle/lifecycle-state.js';
import { shutDown } from './lifecycle/shutdown.js';
import { createSqlRunner } from './query/sql-runner.js';
import { createRowCounter } from './tables/catalog.js';
import type { Db } from './db/open-database.js';

/** Loads the CSV module at startup only when a crashed import may have left something behind. */
async function cleanStaleImports(db: Db): Promise<string[]> {
  const suspects = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND (name LIKE '\\_berth\\_import\\_%' ESCAPE '\\' OR name LIKE '\\_berth\\_ftsbuild\\_%' ESCAPE '\\') LIMIT 1")
    .get();
  const hasImports = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_berth_imports'").get();
  const running = hasImports ? db.prepare("SELECT 1 FROM _berth_imports WHERE status = 'running' LIMIT 1").get() : undefined;
  if (!suspects && !running) return [];
  return (await loadCsvImport()).dropStaleStagingTables(db);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const root = createLogger({ component: 'tenant', level: config.logLevel });
  const log = config.tenantSlug ? root.child({ tenant: config.tenantSlug }) : root;
  const state = createLifecycleState();
  // SQLite reads SQLITE_TMPDIR when it initialises (at the first connection, here or in the
  // query process, which inherits it): spill files of big sorts must not land in the few-MiB /tmp.
  mkdirSync(config.sqliteTmpDir, { recursive: true });
  process.env.SQLITE_TMPDIR = config.sqliteTmpDir;
  const db = openDatabase(config.dbPath, { busyTimeoutMs: config.busyTimeoutMs, faultDeferredWrites: config.faultDeferredWrites });
  if (config.faultDeferredWrites) log.warn('BERTH_FAULT_DEFERRED_WRITES is set: writes use deferred transactions with busy_timeout 0 (test-only negative control)');
  const dropped = await cleanStaleImports(db);
  const removedUploads = await removeStaleUploads(db, config.uploadsDir, config.uploadTtlS * 1000);
  const readDb = openReadConnection(config.dbPath, config.busyTimeoutMs);
  const sqlRunner = createSqlRunner({
    dbPath: config.dbPath,
    busyTimeoutMs: config.busyTimeoutMs,
    timeLimitMs: config.sqlTimeLimitMs,
    rowCap: config.sqlRowCap,
    idleExitMs: config.sqlIdleExitS * 1000,
    log,
  });
  const dataBudget = createDataBudget({ dbPath: config.dbPath, uploadsDir: config.uploadsDir, maxBytes: config.maxDataBytes, maxUploadsInFlight: config.maxUploadsInFlight });
  const imports = createImportJobs({ db, readDb, dbPath: config.dbPath, uploadsDir: config.uploadsDir, limits: config.limits, log, dataBudget });
  const app = await buildApp({ config, log, db, readDb, state, sqlRunner, imports, dataBudget, containerName: hostname(), rowCount: createRowCounter(readDb) });
  const background = new AbortController();
  const sweeping = runUploadSweep({ db, uploadsDir: config.uploadsDir, ttlMs: config.uploadTtlS * 1000, intervalMs: config.uploadSweepIntervalS * 1000, log }, background.signal);

  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stopping ??= shutDown(
      {
        app,
        state,
        graceMs: config.shutdownGraceMs,
        log,
        stoppers: [
          {
            name: 'upload sweep',
            stop: () => {
              background.abort();
              return sweeping;
            },
          },
          { name: 'imports', stop: () => imports.stopAll() },
          { name: 'sql runner', stop: () => sqlRunner.stop() },
          { name: 'read connection', stop: () => void readDb.close() },
          { name: 'database', stop: () => void db.close() },
        ],
      },
      signal,
    ).then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  await app.listen({ port: config.port, host: config.host });
  state.ready = true;
  log.info('ready', { port: config.port, version: config.version, node: process.version, container: hostname(), droppedStaging: dropped.length, removedUploads });
}

main().catch((err: unknown) => {
  process.stderr.write(`tenant app failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
