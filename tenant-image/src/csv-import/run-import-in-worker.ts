// Main-thread side of the import worker: starts it, relays progress, runs a split import's second
// half when the worker asks (second-half-host.ts), and settles two promises — `promise` when the
// rows are committed (or the import failed), `indexed` when the search index is rebuilt.
// cancel() (or ctx.signal) stops whichever is running; a cancelled import writes nothing.
import type { ImportContext, ImportResult } from './import-context.js';
import { ImportError } from './import-errors.js';
import type { ImportPlan, ImportProgress } from './import-plan.js';
import type { SearchIndexInfo } from './search-index.js';
import { hostSecondHalf } from './second-half-host.js';
import { startImportWorker } from './start-import-worker.js';
import type { ControlMessage, ImportWorkerData, WorkerMessage } from './worker-protocol.js';

export interface WorkerImportContext extends Omit<ImportContext, 'onProgress' | 'onSplit' | 'runSecondHalf'> {
  onProgress?: (p: ImportProgress) => void;
  /** Rebuild the table's search index after a successful import (default true). */
  rebuildSearchIndex?: boolean;
}

export interface WorkerImportHandle {
  promise: Promise<ImportResult>;
  /** Settles after `promise`: the new index info, null if superseded or not rebuilt. */
  indexed: Promise<SearchIndexInfo | null>;
  cancel(): void;
}

// A small young generation keeps the worker's footprint flat: the import makes short-lived
// garbage only. 2 MiB (was 4): V8 commits the whole young generation while the
// import runs, and 2 took the 1M-row peak down ~4 MiB on the host (106.9-107.6 -> 102.5-103.5
// MiB) and 114.4 -> 108.7 MiB in the container bench, for the same CPU within the host's spread
// (12.3-14.6 s vs 12.4-12.6, alternating, 2026-12-04). The old-generation cap is a backstop,
// far above what an import needs.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 256 };

export function runImportInWorker(dbPath: string, path: string, plan: ImportPlan, ctx: WorkerImportContext): WorkerImportHandle {
  const { onProgress, signal, rebuildSearchIndex = true, ...rest } = ctx;
  const data: ImportWorkerData = { dbPath, path, plan, ctx: rest, rebuildIndex: rebuildSearchIndex };
  const worker = startImportWorker(data, RESOURCE_LIMITS);
  let resolveImport!: (r: ImportResult) => void;
  let rejectImport!: (e: ImportError) => void;
  let resolveIndex!: (i: SearchIndexInfo | null) => void;
  let rejectIndex!: (e: ImportError) => void;
  const promise = new Promise<ImportResult>((res, rej) => ((resolveImport = res), (rejectImport = rej)));
  const indexed = new Promise<SearchIndexInfo | null>((res, rej) => ((resolveIndex = res), (rejectIndex = rej)));
  // `indexed` is a secondary result; do not let an unobserved rejection crash the app.
  indexed.catch(() => {});
  let imported = false;

  const cancel = (): void => {
    worker.postMessage({ type: 'cancel' } satisfies ControlMessage);
  };
  const onAbort = (): void => cancel();
  signal?.addEventListener('abort', onAbort, { once: true });

  worker.on('message', (m: WorkerMessage) => {
    switch (m.type) {
      case 'progress':
        onProgress?.(m.progress);
        return;
      case 'imported':
        imported = true;
        resolveImport(m.result);
        if (!rebuildSearchIndex) resolveIndex(null);
        return;
      case 'error':
        rejectImport(ImportError.fromJSON(m.error));
        rejectIndex(ImportError.fromJSON(m.error));
        return;
      case 'indexed':
        resolveIndex(m.info);
        return;
      case 'index-error':
        rejectIndex(ImportError.fromJSON(m.error));
        return;
      case 'half-start':
        hostSecondHalf(m.job, m.port);
        return;
    }
  });
  const fail = (err: unknown): void => {
    const message = err instanceof Error ? err.message : String(err);
    const error = new ImportError(imported ? 'CSV_INTERNAL' : 'CSV_INTERRUPTED', `The import worker stopped: ${message}`, { cause: err });
    if (!imported) rejectImport(error);
    rejectIndex(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    signal?.removeEventListener('abort', onAbort);
    // Settling an already-settled promise is a no-op, so this only matters for a silent exit.
    fail(new Error(`worker exited with code ${code}`));
  });
  if (signal?.aborted) cancel();
  return { promise, indexed, cancel };
}
