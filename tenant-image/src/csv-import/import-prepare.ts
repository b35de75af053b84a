// Phase 1 of an import: check the plan and the target table, record the import as running
// (its _berth_imports row is the job's id on either app copy) and create the staging table,
// unless the column types are still to be detected.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ImportContext } from './import-context.js';
import { ImportError } from './import-errors.js';
import { BatchTransaction, runImmediate } from './immediate-transaction.js';
import { DEFAULT_LIMITS, validatePlan, type ImportLimits, type ImportPlan } from './import-plan.js';
import { PhaseClock, type ImportRun } from './import-run.js';
import { checkTarget, resolveColumns } from './import-target.js';
import { insertStartedImport } from './provenance.js';
import { createTableSql, stagingTableName } from './staging.js';

export function newImportId(): string {
  return `${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
}

export function prepareImport(db: Database.Database, plan: ImportPlan, ctx: ImportContext): ImportRun {
  validatePlan(plan);
  const limits: ImportLimits = { ...DEFAULT_LIMITS, ...ctx.limits };
  const importId = ctx.importId ?? newImportId();
  if (!/^[a-z0-9]{1,40}$/.test(importId)) throw new ImportError('CSV_INVALID_PLAN', 'The import id must be 1–40 lower-case letters or digits.');
  const staging = stagingTableName(importId);
  const startedAt = new Date().toISOString();
  const detecting = ctx.detectTypes === true;
  // With types still to detect, only what does not depend on them is checked now.
  const columns = detecting ? checkTarget(db, plan) : resolveColumns(db, plan);
  runImmediate(db, () => {
    insertStartedImport(db, {
      id: importId,
      tableName: plan.table,
      mode: plan.mode,
      fileName: ctx.fileName,
      encoding: plan.encoding,
      delimiter: plan.delimiter,
      columns,
      actor: ctx.actor ?? null,
      startedAt,
    });
    if (!detecting) db.exec(createTableSql(staging, columns));
  });
  return {
    db,
    plan,
    ctx,
    limits,
    importId,
    staging,
    startedAt,
    detecting,
    columns,
    tx: new BatchTransaction(db),
    clock: new PhaseClock(),
    bytes: 0,
    second: null,
    secondRows: 0,
  };
}
