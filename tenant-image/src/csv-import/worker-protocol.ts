// The protocol between the three threads of an import: what each thread is started with and the
// messages they exchange. Types only, imported by both ends, so neither end imports the other.
//
//   main thread ──ImportWorkerStart{role 'import'}──▶ import worker
//   main thread ──ControlMessage 'cancel'──────────▶ import worker
//   import worker ──WorkerMessage──▶ main thread: progress*, then imported or error; after
//                   imported, indexed or index-error once the search index is rebuilt.
//   import worker ──ImportWorkerStart{role 'second-half'}──▶ helper thread (a split import)
//   import worker ──ControlMessage 'columns'──▶ helper (a job started before types were known)
//   helper ──HelperMessage──▶ import worker: half-progress* and half-table* (each scratch table
//            once committed, in file order), then half-done or half-error. Stopped by terminate().
import type { ImportContext, ImportResult } from './import-context.js';
import type { SerializedImportError } from './import-errors.js';
import type { ColumnPlan, ImportPlan, ImportProgress } from './import-plan.js';
import type { SearchIndexInfo } from './search-index.js';
import type { ScratchTable, SecondHalfJob, SecondHalfResult } from './second-half.js';

/** One entry file serves both roles, as the app is bundled with fixed entries. */
export type ImportWorkerData =
  | {
      role: 'import';
      dbPath: string;
      path: string;
      plan: ImportPlan;
      ctx: Omit<ImportContext, 'signal' | 'onProgress' | 'onSplit'>;
      rebuildIndex: boolean;
    }
  | { role: 'second-half'; job: SecondHalfJob };

/** The worker's workerData: the role's data, and the request thread's write-waiter counter (db/write-turns.ts). */
export interface ImportWorkerStart {
  data: ImportWorkerData;
  writeWaiters: Int32Array;
}

/** To a running worker: stop (nothing is written), or the columns a helper waits for. */
export type ControlMessage = { type: 'cancel' } | { type: 'columns'; columns: ColumnPlan[] };

/** Import worker → main thread. */
export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'imported'; result: ImportResult }
  | { type: 'error'; error: SerializedImportError }
  | { type: 'indexed'; info: SearchIndexInfo | null }
  | { type: 'index-error'; error: SerializedImportError };

/** Helper thread → import worker. */
export type HelperMessage =
  | { type: 'half-progress'; rows: number }
  | { type: 'half-table'; done: ScratchTable }
  | { type: 'half-done'; result: SecondHalfResult }
  | { type: 'half-error'; error: SerializedImportError };
