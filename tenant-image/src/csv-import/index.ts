// The public API of the CSV import pipeline: sniff → parse → detect types → review → commit.
export { previewCsv, type CsvPreview, type PreviewOptions } from './preview.js';
export { importCsv, newImportId, type ImportContext, type ImportResult } from './import-csv.js';
export { runImportInWorker, type WorkerImportContext, type WorkerImportHandle } from './run-import-in-worker.js';
export { openImportDatabase } from './open-import-database.js';
export { dropStaleStagingTables, STAGING_PREFIX, type StaleCleanupOptions } from './staging.js';
export { listImports, getImport, type ImportRecord, type ImportStatus } from './provenance.js';
export {
  rebuildSearchIndex,
  isSearchIndexCurrent,
  getSearchIndexInfo,
  searchIndexName,
  FTS_PREFIX,
  type SearchIndexInfo,
} from './search-index.js';
export { neutraliseFormula } from './neutralise-formula.js';
export { ImportError, IMPORT_ERRORS, type ImportErrorCode, type SerializedImportError } from './import-errors.js';
export { readTableColumns, diffAppendColumns, type TableColumn } from './table-columns.js';
export { detectColumnType } from './detect-types.js';
export {
  COLUMN_TYPES,
  DELIMITERS,
  ENCODINGS,
  IMPORT_MODES,
  DEFAULT_LIMITS,
  validatePlan,
  type ColumnPlan,
  type ColumnType,
  type Delimiter,
  type Encoding,
  type ImportLimits,
  type ImportMode,
  type ImportPlan,
  type ImportProgress,
} from './import-plan.js';
