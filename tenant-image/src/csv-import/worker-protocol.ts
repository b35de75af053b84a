// The protocol between the app's main thread and its import worker: what the worker is started
// with and the messages they exchange. Types only, imported by both ends, so neither end imports
// the other.
//
//   main thread ──ImportWorkerStart──▶ import worker
//   main thread ──ControlMessage 'cancel'──▶ import worker
//   import worker ──WorkerMessage──▶ main thread: progress*, then imported or error; after
//                   imported, indexed or index-error once the search index is rebuilt.
//   A split import's second half runs on the main thread (second-half-host.ts): the worker sends
//   'half-start' with the job and one end of a new message channel, on which
//   worker ──HalfRequest──▶ main thread: columns (a job started before types were known), stop;
//   main thread ──HalfMessage──▶ worker: half-progress* and half-table* (each scratch file once
//   complete, in file order), then half-done or half-error; half-stopped once stopped and its
//   scratch files are deleted.
import type { MessagePort } from 'node:worker_threads';
import type { ImportContext, ImportResult } from './import-context.js';
import type { SerializedImportError } from './import-errors.js';
import type { ColumnPlan, ImportPlan, ImportProgress } from './import-plan.js';
import type { SearchIndexInfo } from './search-index.js';
import type { ScratchTable, SecondHalfJob, SecondHalfResult } from './second-half.js';

export interface ImportWorkerData {
  dbPath: string;
  path: string;
  plan: ImportPlan;
  ctx: Omit<ImportContext, 'signal' | 'onProgress' | 'onSplit' | 'runSecondHalf'>;
  rebuildIndex: boolean;
}

/** The worker's workerData: the import's data, and the request thread's write-waiter counter (db/write-turns.ts). */
export interface ImportWorkerStart {
  data: ImportWorkerData;
  writeWaiters: Int32Array;
}

/** To the running worker: stop (nothing is written). */
export type ControlMessage = { type: 'cancel' };

/** Import worker → main thread. */
export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'imported'; result: ImportResult }
  | { type: 'error'; error: SerializedImportError }
  | { type: 'indexed'; info: SearchIndexInfo | null }
  | { type: 'index-error'; error: SerializedImportError }
  | { type: 'half-start'; job: SecondHalfJob; port: MessagePort };

/** Import worker → main thread, on a second half's own channel. */
export type HalfRequest = { type: 'columns'; columns: ColumnPlan[] } | { type: 'stop' };

/** Main thread → import worker, on a second half's own channel. */
export type HalfMessage =
  | { type: 'half-progress'; rows: number }
  | { type: 'half-table'; done: ScratchTable }
  | { type: 'half-done'; result: SecondHalfResult }
  | { type: 'half-error'; error: SerializedImportError; crashed: boolean }
  | { type: 'half-stopped' };
