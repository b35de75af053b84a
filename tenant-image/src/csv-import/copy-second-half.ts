// The end of a split import, in the import worker: once its own part is staged, it copies the
// helper's scratch tables into staging one by one as the helper commits them, so most of the
// copying overlaps the helper's parsing instead of following it. Rows stay in file order: this
// starts only after the worker's own rows are all in. Each table is one short write transaction
// (an INSERT … SELECT * that SQLite copies record by record without decoding). The helper goes
// on writing other tables of the same scratch file meanwhile; SQLite's file locks and both
// connections' busy timeouts make them take turns for the few milliseconds they overlap.
import type Database from 'better-sqlite3';
import { quoteIdent } from '../sql/identifier.js';
import { ImportError } from './import-errors.js';
import { runImmediate } from './immediate-transaction.js';
import { throwIfCancelled } from './read-csv.js';
import type { SecondHalfThread } from './second-half-thread.js';

export type SecondHalfCopy =
  /** Every row of the second half is staged; `sha256` is the whole file's. */
  | { kind: 'copied'; rows: number; sha256: string; waitMs: number }
  /**
   * Nothing of the second half is staged (what was copied is removed again): the helper died,
   * or the rows are over the limit, whose line only a parse here can name.
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

/** Throws the helper's error when it found one in its half (the first half had none). */
export async function copySecondHalf(
  db: Database.Database,
  second: SecondHalfThread,
  scratchPath: string,
  staging: string,
  opts: CopyOptions,
): Promise<SecondHalfCopy> {
  const lastFirstRowid = (db.prepare(`SELECT max(rowid) FROM ${quoteIdent(staging)}`).pluck().get() as number | null) ?? 0;
  const undo = (): void => {
    runImmediate(db, () => db.prepare(`DELETE FROM ${quoteIdent(staging)} WHERE rowid > ?`).run(lastFirstRowid));
  };
  db.prepare('ATTACH DATABASE ? AS berth_scratch').run(scratchPath);
  // Read once, in order, while the helper still writes its own: no page cache worth keeping
  // (an attached database gets 2 MiB by default, on top of the helper's).
  db.pragma('berth_scratch.cache_size = -128');
  let copied = 0;
  let waitMs = 0;
  try {
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
      runImmediate(db, () => {
        // Same columns and types on both sides, no WHERE or ORDER BY: SQLite's transfer
        // optimisation appends the records as they are, after the staged rows in rowid order.
        copied += db.prepare(`INSERT INTO main.${quoteIdent(staging)} SELECT * FROM berth_scratch.${quoteIdent(next.table)}`).run().changes;
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
  } finally {
    db.exec('DETACH DATABASE berth_scratch');
  }
}

/** `promise`, or CSV_CANCELLED as soon as `signal` aborts. */
export async function untilCancelled<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfCancelled(signal);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ImportError('CSV_CANCELLED', 'The import was cancelled; nothing was written.'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
