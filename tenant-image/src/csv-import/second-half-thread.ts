// The import worker's handle on the helper thread of a split import: starts it, collects its
// outcome, and stop() ends it and deletes its scratch file, whatever state it is in.
import { once } from 'node:events';
import { ImportError } from './import-errors.js';
import type { ColumnPlan } from './import-plan.js';
import { removeScratch } from './scratch-file.js';
import type { ScratchTable, SecondHalfJob, SecondHalfResult } from './second-half.js';
import { startImportWorker } from './start-import-worker.js';
import type { ControlMessage, HelperMessage } from './worker-protocol.js';

// Memory matters as much as speed (the tenant has 128 MiB): a small young generation keeps the
// helper's garbage from growing its heap (2 MiB: the helper usually finishes before the worker,
// so its extra scavenges cost nothing on the critical path); the old-generation cap is a backstop.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 128 };

export type SecondHalfOutcome =
  | { ok: true; result: SecondHalfResult }
  /** `crashed`: the thread died (out of memory, say) rather than finding an error in the file. */
  | { ok: false; error: ImportError; crashed: boolean };

export interface SecondHalfThread {
  readonly outcome: Promise<SecondHalfOutcome>;
  /**
   * The helper's scratch tables in file order, each as soon as it is committed; null once the
   * helper has ended (see `outcome`) and every table it announced was given out.
   */
  nextTable(): Promise<ScratchTable | null>;
  /** Hands over the columns of a job started without them (see SecondHalfJob.columns). */
  provideColumns(columns: ColumnPlan[]): void;
  /** Ends the thread if it still runs and deletes the scratch file; safe to call more than once. */
  stop(): Promise<void>;
}

export function startSecondHalf(job: SecondHalfJob, onProgress: (rows: number) => void): SecondHalfThread {
  const worker = startImportWorker({ role: 'second-half', job }, RESOURCE_LIMITS);
  let exited = false;
  const exit = once(worker, 'exit').then(() => {
    exited = true;
  });
  const finished: ScratchTable[] = [];
  let settled = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  const outcome = new Promise<SecondHalfOutcome>((resolve) => {
    const crashed = (why: string): void =>
      resolve({ ok: false, crashed: true, error: new ImportError('CSV_INTERNAL', `The helper thread of the import stopped: ${why}`) });
    worker.on('message', (m: HelperMessage) => {
      if (m.type === 'half-progress') onProgress(m.rows);
      else if (m.type === 'half-table') {
        finished.push(m.done);
        notify();
      } else if (m.type === 'half-done') resolve({ ok: true, result: m.result });
      else resolve({ ok: false, crashed: false, error: ImportError.fromJSON(m.error) });
    });
    worker.on('error', (err) => crashed(err.message));
    worker.on('exit', (code) => crashed(`exit code ${code}`));
  });
  void outcome.then(() => {
    settled = true;
    notify();
  });
  const nextTable = async (): Promise<ScratchTable | null> => {
    for (;;) {
      const next = finished.shift();
      if (next) return next;
      if (settled) return null;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) await worker.terminate();
      await exit;
      removeScratch(job.scratchPath);
    })();
    return stopping;
  };
  const provideColumns = (columns: ColumnPlan[]): void => {
    if (!exited) worker.postMessage({ type: 'columns', columns } satisfies ControlMessage);
  };
  return { outcome, stop, provideColumns, nextTable };
}
