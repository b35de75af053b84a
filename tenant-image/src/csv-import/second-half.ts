// The helper thread's side of a split import: parses the file from the split to the end with its
// own csv-parse, checks every row with the importer's own RowInserter, and stores the rows in a
// scratch SQLite file, in tables of a few MiB each, so the import worker can copy them into its
// staging table one short transaction per table (an INSERT … SELECT * of a whole table, which
// SQLite copies record by record without decoding them). Lines are numbered as in the whole file:
// the LFs before the split are counted first, while hashing those bytes, so the hash it returns
// covers the whole file in order.
import { createHash } from 'node:crypto';
import { countLineFeeds } from './locate-byte.js';
import type { ColumnPlan, Delimiter, Encoding, ImportLimits } from './import-plan.js';
import { readCsv, throwIfCancelled } from './read-csv.js';
import { RowInserter } from './row-inserter.js';
import { openScratch } from './scratch-file.js';
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
   * (an import started without types): the helper then counts and hashes the first part, and
   * waits for them (SecondHalfThread.provideColumns) before it parses.
   */
  columns: ColumnPlan[] | null;
  appending: boolean;
  scratchPath: string;
}

export interface SecondHalfResult {
  rows: number;
  /** SHA-256 of the whole file. */
  sha256: string;
  /** Stopped after limits.maxRows rows: the whole file has more rows than allowed. */
  overLimit: boolean;
}

/**
 * A scratch table is closed after this many input bytes or rows: each is copied into staging in
 * one transaction, ~30 ms at this size (4 MiB took 55-70 ms in the container), which is how long
 * a request that writes may wait.
 */
const TABLE_BYTES = 2 * 1024 * 1024;
const TABLE_ROWS = 25_000;

/** A scratch table that is complete (committed), with its row count. */
export interface ScratchTable {
  table: string;
  rows: number;
}

/**
 * `onTable` is told of each scratch table once it is committed, in file order, so the import
 * worker can copy it while this thread goes on with the next (see copy-second-half.ts).
 */
export async function importSecondHalf(
  job: SecondHalfJob,
  signal: AbortSignal,
  onProgress: (rows: number) => void,
  columnsLater: Promise<ColumnPlan[]>,
  onTable: (done: ScratchTable) => void = () => {},
): Promise<SecondHalfResult> {
  const hash = createHash('sha256');
  const lineOffset = await countLineFeeds(job.path, job.start, (chunk) => hash.update(chunk));
  throwIfCancelled(signal);
  const columns = job.columns ?? (await columnsLater);
  throwIfCancelled(signal);
  const db = openScratch(job.scratchPath);
  try {
    let table = '';
    let tablesMade = 0;
    const newTable = (): string => {
      table = `rows_${tablesMade++}`;
      db.exec(createTableSql(table, columns));
      return table;
    };
    let open = false;
    const begin = (): void => {
      if (open) return;
      db.exec('BEGIN');
      open = true;
    };
    const commit = (): void => {
      if (!open) return;
      db.exec('COMMIT');
      open = false;
    };
    const inserter = new RowInserter(db, newTable(), columns, job.appending, begin);
    const maxRows = job.limits.maxRows;
    let overLimit = false;
    let tableRows = 0;
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
      (bytesRead) => {
        if (inserter.rows - tableRows < TABLE_ROWS && bytesRead - tableStart < TABLE_BYTES) return;
        inserter.flush();
        commit();
        onTable({ table, rows: inserter.rows - tableRows });
        inserter.retarget(newTable());
        tableRows = inserter.rows;
        tableStart = bytesRead;
        onProgress(inserter.rows);
      },
    );
    inserter.flush();
    commit();
    onTable({ table, rows: inserter.rows - tableRows });
    return { rows: inserter.rows, sha256: read.sha256!, overLimit };
  } finally {
    db.close();
  }
}
