// The second half of a split import: parses the file from the split to the end with its own
// csv-parse, checks every row with the importer's own RowInserter, and stores the rows in scratch
// SQLite files of a few MiB each (scratch-file.ts), so the import worker can copy each into its
// staging table in one short transaction (an INSERT … SELECT * of a whole table, which SQLite
// copies record by record without decoding them). Lines are numbered as in the whole file: the
// LFs before the split are counted first, while hashing those bytes, so the hash it returns
// covers the whole file in order. In the app it runs on the main thread (second-half-host.ts),
// between requests: it gives the event loop a turn after every 64 KiB slice (~2-3 ms of parsing).
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { countLineFeeds } from './locate-byte.js';
import type { ColumnPlan, Delimiter, Encoding, ImportLimits } from './import-plan.js';
import { readCsv, throwIfCancelled, untilCancelled } from './read-csv.js';
import { RowInserter } from './row-inserter.js';
import { createScratch, SCRATCH_TABLE, scratchPath } from './scratch-file.js';
import { createTableSql } from './staging.js';

export interface SecondHalfJob {
  path: string;
  encoding: Encoding;
  delimiter: Delimiter;
  limits: ImportLimits;
  /** Byte offset of the split, a line start. */
  start: number;
  /**
   * The columns to check rows against, or null while the import worker is still detecting them
   * (an import started without types): the second half then counts and hashes the first part,
   * and waits for them (SecondHalfHandle.provideColumns) before it parses.
   */
  columns: ColumnPlan[] | null;
  appending: boolean;
  /** Its scratch files are scratchPath(dbPath, importId, n). */
  dbPath: string;
  importId: string;
}

export interface SecondHalfResult {
  rows: number;
  /** SHA-256 of the whole file. */
  sha256: string;
  /** Stopped after limits.maxRows rows: the whole file has more rows than allowed. */
  overLimit: boolean;
}

/**
 * A scratch file is closed after this many input bytes or rows: each is copied into staging in
 * one transaction, ~30 ms at this size (4 MiB took 55-70 ms in the container), which is how long
 * a request that writes may wait.
 */
const TABLE_BYTES = 2 * 1024 * 1024;
const TABLE_ROWS = 25_000;

/** A complete scratch file (committed and closed), with its row count. */
export interface ScratchTable {
  path: string;
  rows: number;
}

/**
 * `onTable` is told of each scratch file once it is complete, in file order, so the import
 * worker can copy it while this goes on with the next (see copy-second-half.ts).
 */
export async function importSecondHalf(
  job: SecondHalfJob,
  signal: AbortSignal,
  onProgress: (rows: number) => void,
  columnsLater: Promise<ColumnPlan[]>,
  onTable: (done: ScratchTable) => void,
): Promise<SecondHalfResult> {
  const hash = createHash('sha256');
  const lineOffset = await countLineFeeds(job.path, job.start, (chunk) => hash.update(chunk));
  throwIfCancelled(signal);
  const columns = job.columns ?? (await untilCancelled(columnsLater, signal));
  const createTable = createTableSql(SCRATCH_TABLE, columns);
  let files = 0;
  let path = scratchPath(job.dbPath, job.importId, files++);
  let db: Database.Database = createScratch(path, createTable);
  try {
    const begin = (): void => {
      if (!db.inTransaction) db.exec('BEGIN');
    };
    const inserter = new RowInserter(db, SCRATCH_TABLE, columns, job.appending, begin);
    let tableRows = 0;
    const finishFile = (): void => {
      inserter.flush();
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
      onTable({ path, rows: inserter.rows - tableRows });
      tableRows = inserter.rows;
    };
    const maxRows = job.limits.maxRows;
    let overLimit = false;
    let tableStart = job.start;
    const read = await readCsv(
      job.path,
      { encoding: job.encoding, delimiter: job.delimiter, limits: job.limits, signal, hash, range: { start: job.start, lineOffset } },
      (fields, count, line) => {
        if (maxRows > 0 && inserter.rows >= maxRows) {
          overLimit = true;
          return false;
        }
        inserter.add(fields, count, line);
      },
      async (bytesRead) => {
        if (inserter.rows - tableRows >= TABLE_ROWS || bytesRead - tableStart >= TABLE_BYTES) {
          finishFile();
          path = scratchPath(job.dbPath, job.importId, files++);
          db = createScratch(path, createTable);
          inserter.retarget(SCRATCH_TABLE, db);
          tableStart = bytesRead;
          onProgress(inserter.rows);
        }
        // This may share its thread with the app's requests: let them in after every slice.
        await nextTurn();
      },
    );
    finishFile();
    return { rows: inserter.rows, sha256: read.sha256!, overLimit };
  } finally {
    if (db.open) db.close();
  }
}
