// Phase 2 of an import: this thread's part of the file into staging. A large file is split
// (split-point.ts): its second half is parsed into scratch files meanwhile (on the app's main
// thread when this runs in the import worker), and this thread stops at the split if a record
// ends exactly there. Rows go in in short batches
// (≤ BATCH_ROWS rows or BATCH_MAX_MS each), so the app's own writes keep getting the lock.
import { stat } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { ImportError } from './import-errors.js';
import type { ImportRun } from './import-run.js';
import { checkHeaderMatchesPlan, resolveColumns } from './import-target.js';
import { DETECT_SCAN_BYTES, DETECT_SCAN_ROWS, scanPrefix } from './preview.js';
import { recordHeartbeat } from './provenance.js';
import { readCsv, type AfterChunk, type CsvReadOptions, type CsvReadResult, type RecordSink } from './read-csv.js';
import { checkHeader } from './row-checks.js';
import { RowInserter } from './row-inserter.js';
import { runSecondHalfHere } from './second-half-run.js';
import { chooseSplit } from './split-point.js';
import { createTableSql } from './staging.js';
import { runImmediate } from './immediate-transaction.js';

/** Rows per write transaction, and the longest a batch may hold the write lock. */
const BATCH_ROWS = 20_000;
const BATCH_MAX_MS = 50;

export interface StreamedPart {
  /** Where the file was cut for the second half; null when this thread reads it all. */
  readonly split: number | null;
  /** The cut held: from `split` on, the second half's rows are the file's. */
  readonly handedOver: boolean;
  readonly read: CsvReadResult;
  readonly fileSize: number;
  readonly inserter: RowInserter;
  /** How this thread reads, checks and batches: the join phase parses the rest with them when it must. */
  readonly readOptions: Omit<CsvReadOptions, 'hash' | 'range' | 'boundary'>;
  readonly sink: RecordSink;
  readonly afterChunk: AfterChunk;
}

export async function streamOwnPart(run: ImportRun, path: string): Promise<StreamedPart> {
  const { db, plan, ctx } = run;
  const readOptions = { encoding: plan.encoding, delimiter: plan.delimiter, limits: run.limits, signal: ctx.signal };
  const fileStat = await stat(path);
  const split = canSplit(db, fileStat.isFile()) ? await chooseSplit(path, fileStat.size, plan.encoding, ctx.parallelMinBytes) : null;
  if (split !== null) startSecondHalf(run, path, split);
  if (run.detecting) await detectColumns(run, path, readOptions);
  const inserter = new RowInserter(db, run.staging, run.columns, plan.mode === 'append', () => run.tx.begin(), run.limits.maxRows);
  const records = headerThenRows(run, inserter);
  const afterChunk = batchAndReport(run, inserter);
  let handedOver = false;
  const boundary =
    split === null
      ? undefined
      : {
          at: split,
          decided: (held: boolean) => {
            handedOver = held;
            ctx.onSplit?.(split, held);
            // A quoted field spans the split: the second half was parsed wrongly; carry on alone.
            if (!held) void run.second?.stop();
          },
        };
  // With a split, the second half hashes the whole file in order (it reads the first part anyway
  // to count its lines), so this thread, the critical path, does not hash the same bytes again.
  const read = await readCsv(path, { ...readOptions, hash: split === null, boundary }, records.sink, afterChunk);
  run.clock.end('parse');
  if (!records.headerSeen()) throw new ImportError('CSV_EMPTY_FILE', 'The file is empty: there is no header row.', { line: 1 });
  run.bytes = read.bytesRead;
  return { split, handedOver, read, fileSize: fileStat.size, inserter, readOptions, sink: records.sink, afterChunk };
}

/** Splitting needs a second CPU (checked by chooseSplit), a regular file to read twice, and a database file to put the scratch file next to. */
function canSplit(db: Database.Database, regularFile: boolean): boolean {
  return regularFile && !db.memory && db.name !== '';
}

function startSecondHalf(run: ImportRun, path: string, split: number): void {
  const { plan, limits } = run;
  const start = run.ctx.runSecondHalf ?? runSecondHalfHere;
  run.second = start(
    {
      path,
      encoding: plan.encoding,
      delimiter: plan.delimiter,
      limits,
      start: split,
      columns: run.detecting ? null : run.columns,
      appending: plan.mode === 'append',
      dbPath: run.db.name,
      importId: run.importId,
    },
    (rows) => (run.secondRows = rows),
  );
}

/** Types over the file's first rows, as the review step detects them; then the staging table. */
async function detectColumns(run: ImportRun, path: string, readOptions: StreamedPart['readOptions']): Promise<void> {
  const { db, plan } = run;
  const scan = await scanPrefix(path, { ...readOptions, scanRows: DETECT_SCAN_ROWS, scanBytes: DETECT_SCAN_BYTES, sampleRows: 0 });
  checkHeaderMatchesPlan(scan.headers, plan.columns);
  const detected = scan.detector.columns();
  run.columns = resolveColumns(db, {
    ...plan,
    columns: plan.columns.map((c, i) => ({ ...c, type: detected[i]!.type, nulls: detected[i]!.nulls, nullMarker: detected[i]!.nullMarker })),
  });
  run.second?.provideColumns(run.columns);
  runImmediate(db, () => db.exec(createTableSql(run.staging, run.columns)));
  run.clock.end('detect');
}

/** The first record is the header, checked against the plan; every later one is a row. */
function headerThenRows(run: ImportRun, inserter: RowInserter): { sink: RecordSink; headerSeen: () => boolean } {
  let headerSeen = false;
  const sink: RecordSink = (fields, count, line) => {
    if (headerSeen) return inserter.add(fields, count, line);
    checkHeaderMatchesPlan(checkHeader(fields, count, run.limits), run.plan.columns);
    headerSeen = true;
  };
  return { sink, headerSeen: () => headerSeen };
}

/**
 * Between slices: ends the batch once it is big or old enough, so the write lock is never held
 * for more than about BATCH_MAX_MS plus one 64 KiB slice; reports progress now and then.
 */
function batchAndReport(run: ImportRun, inserter: RowInserter): AfterChunk {
  const { db, tx, ctx } = run;
  const progressEvery = ctx.progressIntervalMs ?? 100;
  let batchStartRows = inserter.rows;
  let lastProgress = 0;
  return (bytesRead, totalBytes) => {
    const now = performance.now();
    if (tx.isOpen && (inserter.rows - batchStartRows >= BATCH_ROWS || now - tx.startedAt >= BATCH_MAX_MS)) {
      recordHeartbeat(db, run.importId, inserter.rows, new Date().toISOString());
      tx.commit();
      batchStartRows = inserter.rows;
    }
    run.bytes = bytesRead;
    if (ctx.onProgress && now - lastProgress >= progressEvery) {
      lastProgress = now;
      ctx.onProgress({ rows: inserter.rows + run.secondRows, bytesRead, totalBytes });
    }
  };
}
