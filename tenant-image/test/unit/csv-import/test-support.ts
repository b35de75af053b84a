// Shared by the csv-import unit tests: real SQLite files in a fresh temp dir per test.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type Database from 'better-sqlite3';
import { openImportDatabase } from '../../../src/csv-import/open-import-database.js';
import { ImportError, type ImportErrorCode } from '../../../src/csv-import/import-errors.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { importCsv, type ImportContext, type ImportResult } from '../../../src/csv-import/import-csv.js';
import type { ImportPlan } from '../../../src/csv-import/import-plan.js';

export interface TestEnv {
  dir: string;
  dbPath: string;
  db: Database.Database;
  /** The tables of a new database (the app's migrations): what "nothing remains" leaves. */
  schemaTables: string[];
  file(name: string, content: string | Buffer): string;
}

export function makeEnv(t: TestContext): TestEnv {
  const dir = mkdtempSync(join(tmpdir(), 'berth-csv-'));
  const dbPath = join(dir, 'tenant.db');
  // The app's schema, as the app creates it at start (the import worker's connection assumes it).
  openDatabase(dbPath, { busyTimeoutMs: 5000 }).close();
  const db = openImportDatabase(dbPath);
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    dbPath,
    db,
    schemaTables: tableNames(db),
    file(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
  };
}

/** Every table in the schema (user tables, staging, FTS shadow tables), sorted. */
export function tableNames(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

export async function assertImportError(
  action: Promise<unknown> | (() => unknown),
  code: ImportErrorCode,
  where: { line?: number; column?: number; message?: RegExp } = {},
): Promise<ImportError> {
  let caught: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ImportError, `expected ImportError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (where.line !== undefined) assert.equal(caught.line, where.line, caught.message);
  if (where.column !== undefined) assert.equal(caught.column, where.column, caught.message);
  if (where.message) assert.match(caught.message, where.message);
  return caught;
}

/** importCsv with the split threshold at 0, recording whether each split was handed over. */
export async function importRecordingSplits(
  env: TestEnv,
  path: string,
  plan: ImportPlan,
  ctx: Partial<ImportContext> = {},
): Promise<{ result: ImportResult; splits: boolean[] }> {
  const splits: boolean[] = [];
  const result = await importCsv(env.db, path, plan, {
    fileName: 'f.csv',
    parallelMinBytes: 0,
    onSplit: (_, handedOver) => splits.push(handedOver),
    ...ctx,
  });
  return { result, splits };
}
