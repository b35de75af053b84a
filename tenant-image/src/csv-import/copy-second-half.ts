// The end of a split import, in the import worker: once its own part is staged, it copies the
// second half's scratch files into staging one by one as they are completed, so most of the
// copying overlaps the second half's parsing instead of following it. Rows stay in file order:
// this starts only after the worker's own rows are all in. Each file is one short write
// transaction (an INSERT … SELECT * that SQLite copies record by record without decoding) and is
// deleted once copied. Each file is complete and closed before it is announced, so nothing else
// holds its lock meanwhile (scratch-file.ts).
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';
import { runImmediate } from './immediate-transaction.js';
import { throwIfCancelled, untilCancelled } from './read-csv.js';
import { removeScratch, SCRATCH_TABLE } from './scratch-file.js';
import type { SecondHalfHandle } from './second-half-run.js';

export type SecondHalfCopy =
  /** Every row of the second half is staged; `sha256` is the whole file's. */
  | { kind: 'copied'; rows: number; sha256: string; waitMs: number }
  /**
   * Nothing of the second half is staged (what was copied is removed again): it failed on
   * something other than the file, or the rows are over the limit, whose line only a parse
   * here can name.
   */
  | { kind: 'parse-here' };

export interface CopyOptions {
  /** Rows allowed in all (0 = no limit), and rows staged before the second half. */
  maxRows: number;
  firstRows: number;
  signal?: AbortSignal | undefined;
  /** After each table, with the rows staged so far (for the import's heartbeat). */
  afterEach: (rowsStaged: number) => void;
}

/** Throws the second half's error when it found one in the file (the first half had none). */
export async function copySecondHalf(db: Database.Database, second: SecondHalfHandle, staging: string, opts: CopyOptions): Promise<SecondHalfCopy> {
  const lastFirstRowid = (db.prepare(`SELECT max(rowid) FROM ${quoteIdent(staging)}`).pluck().get() as number | null) ?? 0;
  const undo = (): void => {
    runImmediate(db, () => db.prepare(`DELETE FROM ${quoteIdent(staging)} WHERE rowid > ?`).run(lastFirstRowid));
  };
  let copied = 0;
  let waitMs = 0;
  for (;;) {
    const waitStart = performance.now();
    const next = await untilCancelled(second.nextTable(), opts.signal);
    waitMs += performance.now() - waitStart;
    if (next === null) break;
    if (opts.maxRows > 0 && opts.firstRows + copied + next.rows > opts.maxRows) {
      undo();
      return { kind: 'parse-here' };
    }
    throwIfCancelled(opts.signal);
    copyFile(db, next.path, staging, (rows) => {
      copied += rows;
      opts.afterEach(opts.firstRows + copied);
    });
  }
  const outcome = await second.outcome;
  if (outcome.ok && !outcome.result.overLimit && copied === outcome.result.rows) {
    return { kind: 'copied', rows: copied, sha256: outcome.result.sha256, waitMs: Math.round(waitMs) };
  }
  // The first half had no error, so the second half's first error is the file's.
  if (!outcome.ok && !outcome.crashed) throw outcome.error;
  undo();
  return { kind: 'parse-here' };
}

/** Appends one scratch file's rows to staging in one write transaction (with `inside`, told the rows copied), then deletes the file. */
function copyFile(db: Database.Database, path: string, staging: string, inside: (rows: number) => void): void {
  db.prepare('ATTACH DATABASE ? AS berth_scratch').run(path);
  try {
    // Read once, in order: no page cache worth keeping (an attached database gets 2 MiB by default).
    db.pragma('berth_scratch.cache_size = -128');
    // Same columns and types on both sides, no WHERE or ORDER BY: SQLite's transfer
    // optimisation appends the records as they are, after the staged rows in rowid order.
    const insert = db.prepare(`INSERT INTO main.${quoteIdent(staging)} SELECT * FROM berth_scratch.${quoteIdent(SCRATCH_TABLE)}`);
    runImmediate(db, () => inside(insert.run().changes));
  } finally {
    db.exec('DETACH DATABASE berth_scratch');
    removeScratch(path);
  }
}
