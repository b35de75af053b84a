// What the import worker tells its parent, in order: progress*, then imported or error; after
// imported, indexed or index-error when the search index is rebuilt. The helper thread of a split
// import tells the import worker: half-progress* and half-table* (each scratch table once it is
// committed, in file order), then half-done or half-error.
import type { ImportResult } from './import-csv.js';
import type { SerializedImportError } from './import-errors.js';
import type { ImportProgress } from './import-plan.js';
import type { SearchIndexInfo } from './search-index.js';
import type { ScratchTable, SecondHalfResult } from './second-half.js';

export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'imported'; result: ImportResult }
  | { type: 'error'; error: SerializedImportError }
  | { type: 'indexed'; info: SearchIndexInfo | null }
  | { type: 'index-error'; error: SerializedImportError };

export type HelperMessage =
  | { type: 'half-progress'; rows: number }
  | { type: 'half-table'; done: ScratchTable }
  | { type: 'half-done'; result: SecondHalfResult }
  | { type: 'half-error'; error: SerializedImportError };
