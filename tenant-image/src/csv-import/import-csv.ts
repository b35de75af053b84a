// Commit step: streams the whole file into a staging table in short batched transactions,
// validating every value against the reviewed plan, then makes the result visible in one short
// final transaction (rename for create/replace, INSERT…SELECT for append) together with the
// provenance row. Any failure or cancellation drops the staging table: all or nothing.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';
import { MISMATCH, parseIntegerCell, parseRealCell, isDateCell, isDateTimeCell } from './cell-types.js';
import { ImportError, toImportError } from './import-errors.js';
import { BatchTransaction, runImmediate } from './immediate-transaction.js';
import { DEFAULT_LIMITS, validatePlan, type ColumnPlan, type ImportLimits, type ImportMode, type ImportPlan, type ImportProgress } from './import-plan.js';
import { ensureImportsTable, insertStartedImport, recordFinishedImport, recordHeartbeat } from './provenance.js';
import { readCsv } from './read-csv.js';
import { checkHeader, raggedRowError, tooManyRowsError, typeMismatchError } from './row-checks.js';
import { createTableSql, dropTableIfExists, insertRowsSql, rowsPerStatement, stagingTableName } from './staging.js';
import { alignToTable, diffAppendColumns, readTableColumns, tableExists } from './table-columns.js';

export interface ImportContext {
  /** The uploaded file's original name, for provenance. */
  fileName: string;
  /** Who imports (user id or email), for provenance. */
  actor?: string | null;
  limits?: Partial<ImportLimits>;
  signal?: AbortSignal;
  /** Called at most every progressIntervalMs, and once at the end. */
  onProgress?: (p: ImportProgress) => void;
  progressIntervalMs?: number;
  /** Chosen by the caller to find the provenance row early; random by default. */
  importId?: string;
}

export interface ImportResult {
  importId: string;
  table: string;
  mode: ImportMode;
  rows: number;
  bytes: number;
  sha256: string;
  columns: ColumnPlan[];
  startedAt: string;
  finishedAt: string;
}

/** Rows per write transaction, and the longest a batch may hold the write lock. */
const BATCH_ROWS = 20_000;
const BATCH_MAX_MS = 150;

const TYPE_CODE = { text: 0, integer: 1, real: 2, date: 3, datetime: 4 } as const;

export function newImportId(): string {
  return `${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;
}

export async function importCsv(db: Database.Database, path: string, plan: ImportPlan, ctx: ImportContext): Promise<ImportResult> {
  validatePlan(plan);
  const limits: ImportLimits = { ...DEFAULT_LIMITS, ...ctx.limits };
  const importId = ctx.importId ?? newImportId();
  if (!/^[a-z0-9]{1,40}$/.test(importId)) throw new ImportError('CSV_INVALID_PLAN', 'The import id must be 1–40 lower-case letters or digits.');
  const staging = stagingTableName(importId);
  const startedAt = new Date().toISOString();
  ensureImportsTable(db);
  const columns = resolveColumns(db, plan);
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
    db.exec(createTableSql(staging, columns));
  });

  const tx = new BatchTransaction(db);
  let rows = 0;
  let bytes = 0;
  try {
    const ncols = columns.length;
    const perStatement = rowsPerStatement(ncols);
    const insertMany = db.prepare(insertRowsSql(staging, ncols, perStatement));
    const insertOne = db.prepare(insertRowsSql(staging, ncols, 1));
    const values: (string | number | null)[] = new Array(perStatement * ncols).fill(null);
    const typeCodes = Uint8Array.from(columns, (c) => TYPE_CODE[c.type]);
    const maxRows = limits.maxRows;
    const appending = plan.mode === 'append';
    let buffered = 0;
    let batchStartRows = 0;
    let headerSeen = false;

    const progressEvery = ctx.progressIntervalMs ?? 100;
    let lastProgress = 0;

    const result = await readCsv(
      path,
      { encoding: plan.encoding, delimiter: plan.delimiter, limits, signal: ctx.signal, hash: true },
      (fields, count, line) => {
        if (!headerSeen) {
          checkHeaderMatchesPlan(checkHeader(fields, count, limits), plan.columns);
          headerSeen = true;
          return;
        }
        if (count !== ncols) throw raggedRowError(line, ncols, count);
        const base = buffered * ncols;
        for (let i = 0; i < ncols; i++) {
          const s = fields[i]!;
          let v: string | number | null | typeof MISMATCH;
          if (s.length === 0) v = null;
          else {
            switch (typeCodes[i]) {
              case 0:
                v = s;
                break;
              case 1:
                v = parseIntegerCell(s);
                break;
              case 2:
                v = parseRealCell(s);
                break;
              case 3:
                v = isDateCell(s) ? s : MISMATCH;
                break;
              default:
                v = isDateTimeCell(s) ? s : MISMATCH;
            }
            if (v === MISMATCH) throw typeMismatchError(line, i + 1, columns[i]!.name, columns[i]!.type, s, appending);
          }
          values[base + i] = v;
        }
        if (maxRows > 0 && rows >= maxRows) throw tooManyRowsError(line, maxRows);
        rows++;
        if (++buffered === perStatement) {
          tx.begin();
          insertMany.run(values);
          buffered = 0;
        }
      },
      (bytesRead, totalBytes) => {
        // Between reads: end the batch once it is big or old enough; the write lock is never
        // held for more than about BATCH_MAX_MS plus one 64 KiB slice.
        const now = performance.now();
        if (tx.isOpen && (rows - batchStartRows >= BATCH_ROWS || now - tx.startedAt >= BATCH_MAX_MS)) {
          recordHeartbeat(db, importId, rows, new Date().toISOString());
          tx.commit();
          batchStartRows = rows;
        }
        bytes = bytesRead;
        if (ctx.onProgress && now - lastProgress >= progressEvery) {
          lastProgress = now;
          ctx.onProgress({ rows, bytesRead, totalBytes });
        }
      },
    );
    if (!headerSeen) throw new ImportError('CSV_EMPTY_FILE', 'The file is empty: there is no header row.', { line: 1 });
    if (buffered > 0) {
      tx.begin();
      for (let r = 0; r < buffered; r++) insertOne.run(values.slice(r * ncols, (r + 1) * ncols));
    }
    tx.commit();
    bytes = result.bytesRead;
    const sha256 = result.sha256!;
    const finishedAt = new Date().toISOString();
    runImmediate(db, () => {
      if (ctx.signal?.aborted) throw new ImportError('CSV_CANCELLED', 'The import was cancelled; nothing was written.');
      publishStaging(db, plan, columns, staging);
      recordFinishedImport(db, importId, { status: 'succeeded', rows, fileBytes: bytes, sha256, columns, finishedAt });
    });
    ctx.onProgress?.({ rows, bytesRead: bytes, totalBytes: result.totalBytes });
    return { importId, table: plan.table, mode: plan.mode, rows, bytes, sha256, columns, startedAt, finishedAt };
  } catch (err) {
    tx.rollback();
    const error = toImportError(err);
    discardStaging(db, importId, staging, error, bytes);
    throw error;
  }
}

/** The columns to create: the plan's, or for append the table's types in the file's order. */
function resolveColumns(db: Database.Database, plan: ImportPlan): ColumnPlan[] {
  if (plan.mode === 'create' && tableExists(db, plan.table)) throw tableExistsError(plan.table);
  if (plan.mode !== 'append') return plan.columns;
  return alignToTable(plan.columns, checkAppendable(db, plan));
}

function checkAppendable(db: Database.Database, plan: ImportPlan) {
  const existing = readTableColumns(db, plan.table);
  if (!existing) throw new ImportError('CSV_TABLE_NOT_FOUND', `There is no table "${plan.table}" to append to. Choose create instead.`);
  const differences = diffAppendColumns(plan.columns, existing);
  if (differences.length > 0) {
    throw new ImportError('CSV_APPEND_INCOMPATIBLE', `The file cannot be appended to "${plan.table}": ${differences.join('; ')}.`, {
      details: { differences },
    });
  }
  return existing;
}

function checkHeaderMatchesPlan(headers: string[], planned: readonly ColumnPlan[]): void {
  const changed = headers.length !== planned.length || headers.some((h, i) => h !== planned[i]!.header);
  if (changed) {
    throw new ImportError('CSV_HEADER_CHANGED', "The file's header row does not match the reviewed columns; preview the file again.", {
      line: 1,
      details: { headers, planned: planned.map((c) => c.header) },
    });
  }
}

function tableExistsError(table: string): ImportError {
  return new ImportError('CSV_TABLE_EXISTS', `A table named "${table}" already exists. Choose another name, or append or replace.`);
}

/** Inside the final transaction: make the staged rows the target table's. */
function publishStaging(db: Database.Database, plan: ImportPlan, columns: readonly ColumnPlan[], staging: string): void {
  const target = quoteIdent(plan.table);
  switch (plan.mode) {
    case 'create':
      if (tableExists(db, plan.table)) throw tableExistsError(plan.table);
      db.exec(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${target}`);
      return;
    case 'replace':
      db.exec(`DROP TABLE IF EXISTS ${target}`);
      db.exec(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${target}`);
      return;
    case 'append': {
      checkAppendable(db, { ...plan, columns: [...columns] });
      const names = columns.map((c) => quoteIdent(c.name)).join(', ');
      db.exec(`INSERT INTO ${target} (${names}) SELECT ${names} FROM ${quoteIdent(staging)}`);
      dropTableIfExists(db, staging);
      return;
    }
  }
}

function discardStaging(db: Database.Database, importId: string, staging: string, error: ImportError, bytes: number): void {
  try {
    runImmediate(db, () => {
      dropTableIfExists(db, staging);
      recordFinishedImport(db, importId, {
        status: error.code === 'CSV_CANCELLED' ? 'cancelled' : 'failed',
        rows: 0,
        fileBytes: bytes || null,
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
}
