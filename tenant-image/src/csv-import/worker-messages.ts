// What the import worker tells its parent, in order: progress*, then imported or error; after
// imported, indexed or index-error when the search index is rebuilt.
import type { ImportResult } from './import-csv.js';
import type { SerializedImportError } from './import-errors.js';
import type { ImportProgress } from './import-plan.js';
import type { SearchIndexInfo } from './search-index.js';

export type WorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'imported'; result: ImportResult }
  | { type: 'error'; error: SerializedImportError }
  | { type: 'indexed'; info: SearchIndexInfo | null }
  | { type: 'index-error'; error: SerializedImportError };
