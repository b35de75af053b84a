// Running the second half of a split import (second-half.ts), and the handle the import holds on
// it wherever it runs: on the same thread as the import (runSecondHalfHere: an import run in
// process, as the tests do), or on the app's main thread while the import runs in its worker
// (second-half-on-parent.ts asks second-half-host.ts, over a message channel). Either way stop()
// ends it and deletes its scratch files, whatever state it is in.
import { ImportError, toImportError } from './import-errors.js';
import type { ColumnPlan } from './import-plan.js';
import { removeScratchFiles } from './scratch-file.js';
import { importSecondHalf, type ScratchTable, type SecondHalfJob, type SecondHalfResult } from './second-half.js';

export type SecondHalfOutcome =
  | { ok: true; result: SecondHalfResult }
  /**
   * `crashed`: it failed on something other than the file (an internal error, a thread that
   * died), so the import parses the rest itself rather than report this as the file's error.
   */
  | { ok: false; error: ImportError; crashed: boolean };

export interface SecondHalfHandle {
  readonly outcome: Promise<SecondHalfOutcome>;
  /**
   * Its scratch files in file order, each as soon as it is complete; null once it has ended
   * (see `outcome`) and every file it announced was given out.
   */
  nextTable(): Promise<ScratchTable | null>;
  /** Hands over the columns of a job started without them (see SecondHalfJob.columns). */
  provideColumns(columns: ColumnPlan[]): void;
  /** Ends it if it still runs and deletes its scratch files; safe to call more than once. */
  stop(): Promise<void>;
}

/** Where a split import's second half runs (ImportContext.runSecondHalf). */
export type SecondHalfStarter = (job: SecondHalfJob, onProgress: (rows: number) => void) => SecondHalfHandle;

/** A second half running on this thread, reporting as it goes (what both kinds of handle are made of). */
export interface SecondHalfRun {
  readonly outcome: Promise<SecondHalfOutcome>;
  provideColumns(columns: ColumnPlan[]): void;
  stop(): Promise<void>;
}

export function startSecondHalfRun(job: SecondHalfJob, onProgress: (rows: number) => void, onTable: (done: ScratchTable) => void): SecondHalfRun {
  const controller = new AbortController();
  let provideColumns!: (columns: ColumnPlan[]) => void;
  const columnsLater = new Promise<ColumnPlan[]>((resolve) => (provideColumns = resolve));
  const outcome: Promise<SecondHalfOutcome> = importSecondHalf(job, controller.signal, onProgress, columnsLater, onTable).then(
    (result) => ({ ok: true, result }),
    (err: unknown) => ({ ok: false, error: toImportError(err), crashed: !(err instanceof ImportError) }),
  );
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      controller.abort();
      await outcome;
      removeScratchFiles(job.dbPath, job.importId);
    })();
    return stopping;
  };
  return { outcome, provideColumns, stop };
}

/** The second half on the calling thread, interleaved with the import's own part. */
export const runSecondHalfHere: SecondHalfStarter = (job, onProgress) => {
  const tables = new TableQueue();
  const run = startSecondHalfRun(job, onProgress, (done) => tables.push(done));
  void run.outcome.then(() => tables.end());
  return { outcome: run.outcome, provideColumns: run.provideColumns, stop: run.stop, nextTable: () => tables.next() };
};

/** Scratch files announced and not yet taken, in order; next() waits for one, or null once ended and empty. */
export class TableQueue {
  private readonly items: ScratchTable[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  push(table: ScratchTable): void {
    this.items.push(table);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  async next(): Promise<ScratchTable | null> {
    for (;;) {
      const item = this.items.shift();
      if (item) return item;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }
}
