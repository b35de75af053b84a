// What the workers say. The import worker to its parent, in order: progress*, then imported or error; after
// imported, indexed or index-error when the search index is rebuilt.
import type { ImportResult } from './import-csv.js';
import type { SerializedImportError } from './import-errors.js';
import type { ImportProgress } from './import-plan.js';
import type { SearchIndexInfo } from './search-index.js';
import type { RowBatch, TypedReadResult } from './typed-batches.js';

export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'imported'; result: ImportResult }
  | { type: 'error'; error: SerializedImportError }
  | { type: 'indexed'; info: SearchIndexInfo | null }
  | { type: 'index-error'; error: SerializedImportError };

/** What the parse worker tells the import worker: batch*, then done or error. */
export type ParseWorkerMessage =
  | { type: 'batch'; batch: RowBatch; inFlight: number }
  | { type: 'done'; result: TypedReadResult }
  | { type: 'error'; error: SerializedImportError };

/** The import worker's only message to the parse worker: one batch was inserted. */
export interface ParseWorkerAck {
  type: 'ack';
}
