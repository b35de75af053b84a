// Phase 4 of an import: the staged rows become the table's in one short transaction (rename for
// create/replace, INSERT…SELECT for append), with the import's provenance row; or, when anything
// failed or the import was cancelled, the staging table goes and the row says why: all or nothing.
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';
import { noteRowsAdded, tableShape } from '../tables/stored-row-counts.js';
import type { ImportResult } from './import-context.js';
import { ImportError, toImportError } from './import-errors.js';
import { runImmediate } from './immediate-transaction.js';
import type { ColumnPlan, ImportPlan } from './import-plan.js';
import type { ImportRun } from './import-run.js';
import type { StreamedPart } from './import-stream.js';
import { checkAppendable, tableExistsError } from './import-target.js';
import type { WholeFile } from './join-second-half.js';
import { recordFinishedImport } from './provenance.js';
import { dropTableIfExists } from './staging.js';
import { tableExists } from './table-columns.js';

export async function publishImport(run: ImportRun, part: StreamedPart, whole: WholeFile): Promise<ImportResult> {
  const { db, plan, ctx, importId, columns } = run;
  part.inserter.flush();
  run.tx.commit();
  await run.second?.stop();
  const rows = part.inserter.rows;
  const { sha256, bytes } = whole;
  const finishedAt = new Date().toISOString();
  runImmediate(db, () => {
    if (ctx.signal?.aborted) throw new ImportError('CSV_CANCELLED', 'The import was cancelled; nothing was written.');
    publishStaging(db, plan, columns, run.staging, rows);
    recordFinishedImport(db, importId, { status: 'succeeded', rows, fileBytes: bytes, sha256, columns, finishedAt });
  });
  run.clock.end('publish');
  ctx.onProgress?.({ rows, bytesRead: bytes, totalBytes: part.read.totalBytes });
  return { importId, table: plan.table, mode: plan.mode, rows, bytes, sha256, columns, startedAt: run.startedAt, finishedAt, phasesMs: run.clock.ms };
}

/** Inside the final transaction: make the staged rows the target table's. */
function publishStaging(db: Database.Database, plan: ImportPlan, columns: readonly ColumnPlan[], staging: string, rows: number): void {
  const target = quoteIdent(plan.table);
  switch (plan.mode) {
    case 'create':
      if (tableExists(db, plan.table)) throw tableExistsError(plan.table);
      db.exec(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${target}`);
      noteRowsAdded(db, plan.table, null, rows);
      return;
    case 'replace':
      db.exec(`DROP TABLE IF EXISTS ${target}`);
      db.exec(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${target}`);
      noteRowsAdded(db, plan.table, null, rows);
      return;
    case 'append': {
      checkAppendable(db, { ...plan, columns: [...columns] });
      const before = tableShape(db, plan.table);
      const names = columns.map((c) => quoteIdent(c.name)).join(', ');
      db.exec(`INSERT INTO ${target} (${names}) SELECT ${names} FROM ${quoteIdent(staging)}`);
      dropTableIfExists(db, staging);
      noteRowsAdded(db, plan.table, before, rows);
      return;
    }
  }
}

/** After any failure: stop the second half, drop staging, record the outcome; the error to throw. */
export async function abandonImport(run: ImportRun, err: unknown): Promise<ImportError> {
  run.tx.rollback();
  await run.second?.stop();
  const error = toImportError(err);
  const { db } = run;
  try {
    runImmediate(db, () => {
      dropTableIfExists(db, run.staging);
      recordFinishedImport(db, run.importId, {
        status: error.code === 'CSV_CANCELLED' ? 'cancelled' : 'failed',
        rows: 0,
        fileBytes: run.bytes || null,
        sha256: null,
        finishedAt: new Date().toISOString(),
        errorCode: error.code,
        errorMessage: error.message,
      });
    });
  } catch {
    // The staging table stays behind only if the database itself is failing; the heartbeat stops,
    // and dropStaleStagingTables() removes it at the next start. The import's own error is the one to report.
  }
  return error;
}
