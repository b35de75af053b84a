// Commit step: streams the whole file into a staging table in short batched transactions,
// validating every value against the reviewed plan, then makes the result visible in one short
// final transaction (rename for create/replace, INSERT…SELECT for append) together with the
// provenance row. A large file is parsed by two threads (see README: the split import). Any
// failure or cancellation drops the staging table and the scratch file: all or nothing.
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';
import { noteRowsAdded, tableShape } from '../tables/stored-row-counts.js';
import { ImportError, toImportError } from './import-errors.js';
import { BatchTransaction, runImmediate } from './immediate-transaction.js';
import { DEFAULT_LIMITS, validatePlan, type ColumnPlan, type ImportLimits, type ImportMode, type ImportPlan, type ImportProgress } from './import-plan.js';
import { copySecondHalf } from './copy-second-half.js';
import { countLineFeeds, readPrefix } from './locate-byte.js';
import { ensureImportsTable, insertStartedImport, recordFinishedImport, recordHeartbeat } from './provenance.js';
import { readCsv, type RecordSink } from './read-csv.js';
import { DETECT_SCAN_BYTES, DETECT_SCAN_ROWS, scanPrefix } from './preview.js';
import { checkHeader } from './row-checks.js';
import { RowInserter } from './row-inserter.js';
import { scratchPath } from './scratch-file.js';
import { startSecondHalf, type SecondHalfThread } from './second-half-thread.js';
import { chooseSplit } from './split-point.js';
import { createTableSql, dropTableIfExists, stagingTableName } from './staging.js';
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
  /** Files at least this large are parsed by two threads (split-point.ts); Infinity = never. */
  parallelMinBytes?: number;
  /** Told where a split file was cut and whether the second thread's rows were used (for logs and tests). */
  onSplit?: (at: number, handedOver: boolean) => void;
  /**
   * The plan's column types are placeholders: detect them over the file's first rows (as the
   * review step does) before importing. For an import started without types (the API allows
   * it), so the detection runs here, off the request thread, while a split import's helper
   * thread starts and reads up to its part. For append, the detected types are checked against
   * the table's, as the review step's would be.
   */
  detectTypes?: boolean;
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
  /**
   * Where the time went, in ms, for logs and the benchmark: `detect` (type detection, when
   * asked for), `parse` (this thread's part of the file, parsed and staged), `wait` (for the helper thread's half), `copy` (its rows into
   * staging), `publish`. Only the phases that ran are present.
   */
  phasesMs: Record<string, number>;
}

/** Rows per write transaction, and the longest a batch may hold the write lock. */
const BATCH_ROWS = 20_000;
const BATCH_MAX_MS = 50;

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
  const detecting = ctx.detectTypes === true;
  // With types still to detect, only what does not depend on them is checked now.
  let columns = detecting ? checkTarget(db, plan) : resolveColumns(db, plan);
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

  // No checkpoint while rows stream in: each one copied the WAL into the database file and
  // synced it, every 16 MiB, on this import's critical path (the bench's import took 18-30 %
  // longer with them). The import worker checkpoints once the import is published
  // (import-worker.ts), and the app's own connection holds off meanwhile (import-jobs.ts).
  const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 0');
  const tx = new BatchTransaction(db);
  const phasesMs: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phasesMs[name] = Math.round((phasesMs[name] ?? 0) + now - phaseStart);
    phaseStart = now;
  };
  let bytes = 0;
  let second: SecondHalfThread | null = null;
  let secondRows = 0;
  try {
    const readOptions = { encoding: plan.encoding, delimiter: plan.delimiter, limits, signal: ctx.signal };
    // A large file is split: a helper thread parses the second half into a scratch file while
    // this one parses the first; if a record ends exactly at the split, its rows are copied in.
    const fileStat = await stat(path);
    const split = canSplit(db, fileStat.isFile()) ? await chooseSplit(path, fileStat.size, plan.encoding, ctx.parallelMinBytes) : null;
    let handedOver = false;
    if (split !== null) {
      const job = { path, encoding: plan.encoding, delimiter: plan.delimiter, limits, start: split, columns: detecting ? null : columns, appending: plan.mode === 'append' };
      second = startSecondHalf({ ...job, scratchPath: scratchPath(db.name, importId) }, (r) => (secondRows = r));
    }
    if (detecting) {
      const scan = await scanPrefix(path, { ...readOptions, scanRows: DETECT_SCAN_ROWS, scanBytes: DETECT_SCAN_BYTES, sampleRows: 0 });
      checkHeaderMatchesPlan(scan.headers, plan.columns);
      const detected = scan.detector.columns();
      columns = resolveColumns(db, { ...plan, columns: plan.columns.map((c, i) => ({ ...c, type: detected[i]!.type, nulls: detected[i]!.nulls, nullMarker: detected[i]!.nullMarker })) });
      second?.provideColumns(columns);
      runImmediate(db, () => db.exec(createTableSql(staging, columns)));
      phase('detect');
    }
    const inserter = new RowInserter(db, staging, columns, plan.mode === 'append', () => tx.begin(), limits.maxRows);
    let headerSeen = false;
    const sink: RecordSink = (fields, count, line) => {
      if (headerSeen) return inserter.add(fields, count, line);
      checkHeaderMatchesPlan(checkHeader(fields, count, limits), plan.columns);
      headerSeen = true;
    };
    let batchStartRows = 0;
    const progressEvery = ctx.progressIntervalMs ?? 100;
    let lastProgress = 0;
    const afterChunk = (bytesRead: number, totalBytes: number): void => {
      // Between slices: end the batch once it is big or old enough; the write lock is never
      // held for more than about BATCH_MAX_MS plus one 64 KiB slice.
      const now = performance.now();
      if (tx.isOpen && (inserter.rows - batchStartRows >= BATCH_ROWS || now - tx.startedAt >= BATCH_MAX_MS)) {
        recordHeartbeat(db, importId, inserter.rows, new Date().toISOString());
        tx.commit();
        batchStartRows = inserter.rows;
      }
      bytes = bytesRead;
      if (ctx.onProgress && now - lastProgress >= progressEvery) {
        lastProgress = now;
        ctx.onProgress({ rows: inserter.rows + secondRows, bytesRead, totalBytes });
      }
    };
    const boundary =
      split === null
        ? undefined
        : {
            at: split,
            decided: (held: boolean) => {
              handedOver = held;
              ctx.onSplit?.(split, held);
              // A quoted field spans the split: the second half was parsed wrongly; carry on alone.
              if (!held) void second?.stop();
            },
          };
    // With a split, the helper hashes the whole file in order (it reads the first part anyway to
    // count its lines), so this thread, the critical path, does not hash the same bytes again.
    const result = await readCsv(path, { ...readOptions, hash: split === null, boundary }, sink, afterChunk);
    phase('parse');
    if (!headerSeen) throw new ImportError('CSV_EMPTY_FILE', 'The file is empty: there is no header row.', { line: 1 });
    let sha256 = result.sha256 ?? '';
    bytes = result.bytesRead;
    if (handedOver && split !== null && second !== null) {
      inserter.flush();
      tx.commit();
      phase('parse');
      const copy = await copySecondHalf(db, second, scratchPath(db.name, importId), staging, {
        maxRows: limits.maxRows,
        firstRows: inserter.rows,
        signal: ctx.signal,
        afterEach: (staged) => recordHeartbeat(db, importId, staged, new Date().toISOString()),
      });
      if (copy.kind === 'copied') {
        phase('copy');
        phasesMs.wait = copy.waitMs;
        phasesMs.copy! -= copy.waitMs;
        inserter.rows += copy.rows;
        sha256 = copy.sha256;
        bytes = fileStat.size;
      } else {
        // Over the row limit (its line is needed), or the helper died: parse the rest here.
        await second.stop();
        const hash = createHash('sha256');
        const lineOffset = await countLineFeeds(path, split, (chunk) => hash.update(chunk));
        const rest = await readCsv(path, { ...readOptions, hash, range: { start: split, lineOffset } }, sink, afterChunk);
        sha256 = rest.sha256!;
        bytes = rest.bytesRead;
        phase('parse');
      }
    } else if (split !== null) {
      // The split did not hold (a quoted field spans it) and this thread read the whole file
      // without hashing it: hash it now (rare).
      const hash = createHash('sha256');
      await readPrefix(path, fileStat.size, (chunk) => hash.update(chunk));
      sha256 = hash.digest('hex');
    }
    inserter.flush();
    tx.commit();
    await second?.stop();
    const rows = inserter.rows;
    const finishedAt = new Date().toISOString();
    runImmediate(db, () => {
      if (ctx.signal?.aborted) throw new ImportError('CSV_CANCELLED', 'The import was cancelled; nothing was written.');
      publishStaging(db, plan, columns, staging, rows);
      recordFinishedImport(db, importId, { status: 'succeeded', rows, fileBytes: bytes, sha256, columns, finishedAt });
    });
    phase('publish');
    ctx.onProgress?.({ rows, bytesRead: bytes, totalBytes: result.totalBytes });
    return { importId, table: plan.table, mode: plan.mode, rows, bytes, sha256, columns, startedAt, finishedAt, phasesMs };
  } catch (err) {
    tx.rollback();
    await second?.stop();
    const error = toImportError(err);
    discardStaging(db, importId, staging, error, bytes);
    throw error;
  } finally {
    db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  }
}

/** Splitting needs a second CPU (checked by chooseSplit), a regular file to read twice, and a database file to put the scratch file next to. */
function canSplit(db: Database.Database, regularFile: boolean): boolean {
  return regularFile && !db.memory && db.name !== '';
}

/** The checks of resolveColumns that do not need the column types; the plan's columns. */
function checkTarget(db: Database.Database, plan: ImportPlan): ColumnPlan[] {
  if (plan.mode === 'create' && tableExists(db, plan.table)) throw tableExistsError(plan.table);
  if (plan.mode === 'append' && !tableExists(db, plan.table)) throw tableNotFoundError(plan.table);
  return plan.columns;
}

/** The columns to create: the plan's, or for append the table's types in the file's order. */
function resolveColumns(db: Database.Database, plan: ImportPlan): ColumnPlan[] {
  if (plan.mode === 'create' && tableExists(db, plan.table)) throw tableExistsError(plan.table);
  if (plan.mode !== 'append') return plan.columns;
  return alignToTable(plan.columns, checkAppendable(db, plan));
}

function checkAppendable(db: Database.Database, plan: ImportPlan) {
  const existing = readTableColumns(db, plan.table);
  if (!existing) throw tableNotFoundError(plan.table);
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

function tableNotFoundError(table: string): ImportError {
  return new ImportError('CSV_TABLE_NOT_FOUND', `There is no table "${table}" to append to. Choose create instead.`);
}

function tableExistsError(table: string): ImportError {
  return new ImportError('CSV_TABLE_EXISTS', `A table named "${table}" already exists. Choose another name, or append or replace.`);
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
