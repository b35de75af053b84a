// Builds the real app on a real SQLite file in a temp directory, for inject() tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, openReadConnection, type Db } from '../../src/db/open-database.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/app-deps.js';
import { createDataBudget } from '../../src/imports/data-budget.js';
import { createImportJobs } from '../../src/imports/import-jobs.js';
import { createLifecycleState } from '../../src/lifecycle/lifecycle-state.js';
import { createLogger } from '@berth/common/logger';
import { createSqlRunner } from '../../src/query/sql-runner.js';
import { createRowCounter } from '../../src/tables/catalog.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly deps: AppDeps;
  readonly config: Config;
  readonly db: Db;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tenant-test-'));
  const config = loadConfig({ BERTH_DATA_DIR: dir, BERTH_LOG_LEVEL: 'error', ...env });
  const log = createLogger({ component: 'tenant', level: config.logLevel, destination: { write: () => undefined } });
  const db = openDatabase(config.dbPath, { busyTimeoutMs: config.busyTimeoutMs, faultDeferredWrites: config.faultDeferredWrites });
  const readDb = openReadConnection(config.dbPath, config.busyTimeoutMs);
  const sqlRunner = createSqlRunner({ dbPath: config.dbPath, busyTimeoutMs: config.busyTimeoutMs, timeLimitMs: config.sqlTimeLimitMs, rowCap: config.sqlRowCap, idleExitMs: 5000, log });
  const dataBudget = createDataBudget({ dbPath: config.dbPath, uploadsDir: config.uploadsDir, maxBytes: config.maxDataBytes, maxUploadsInFlight: config.maxUploadsInFlight });
  const imports = createImportJobs({ db, readDb, dbPath: config.dbPath, uploadsDir: config.uploadsDir, limits: config.limits, log, dataBudget });
  const state = createLifecycleState();
  state.ready = true;
  const deps: AppDeps = { config, log, db, readDb, state, sqlRunner, imports, dataBudget, containerName: 'test-container', rowCount: createRowCounter(readDb) };
  const app = await buildApp(deps);
  return {
    app,
    deps,
    config,
    db,
    dir,
    async close() {
      await app.close();
      await imports.stopAll();
      await sqlRunner.stop();
      readDb.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headers of a signed-in person as ForwardAuth sends them, plus a same-origin Origin. */
export function session(role: 'owner' | 'member' | 'viewer' = 'owner', email = 'ann@example.com'): Record<string, string> {
  return {
    host: 'acme.berth.localhost',
    origin: 'https://acme.berth.localhost',
    'x-berth-auth': 'session',
    'x-berth-user-id': `u-${email}`,
    'x-berth-user-email': email,
    'x-berth-user-role': role,
  };
}

/**
 * Headers of an API-token request as ForwardAuth sends them: the control plane checked the token
 * and passes its holder (role already lowered by a read scope) and the scope. No Origin.
 */
export function bearer(role: 'owner' | 'member' | 'viewer', scope: 'read' | 'write', email = 'bot@example.com'): Record<string, string> {
  return {
    host: 'acme.berth.localhost',
    authorization: 'Bearer bth_checked-by-the-control-plane',
    'x-berth-auth': 'bearer',
    'x-berth-user-id': `u-${email}`,
    'x-berth-user-email': email,
    'x-berth-user-role': scope === 'read' ? 'viewer' : role,
    'x-berth-token-scope': scope,
  };
}

export const HTML = { accept: 'text/html' };

/** A table with a spread of values, nulls and awkward text. */
export function seedPeople(db: Db, n = 25): void {
  db.exec('CREATE TABLE people (name TEXT, age INTEGER, city TEXT, born DATE, score REAL)');
  const ins = db.prepare('INSERT INTO people VALUES (?, ?, ?, ?, ?)');
  const cities = ['Oslo', 'Lima', 'Pune', null];
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      ins.run(`person ${i}`, i % 7 === 0 ? null : 20 + (i % 9), cities[i % 4], `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 9}`, i / 4);
    }
  })();
}
