// The CSV import module (src/csv-import, owned by the import pipeline), loaded on first use
// only: an idle tenant never pays for the parser, the type detector or the worker code
// (memory target: ≤ 16 MiB per idle tenant). Type-only imports are erased at build time.
export type {
  CsvPreview,
  ColumnPlan,
  ColumnType,
  Delimiter,
  Encoding,
  ImportMode,
  ImportPlan,
  ImportProgress,
  ImportRecord,
  ImportResult,
  WorkerImportHandle as ImportHandle,
} from '../csv-import/index.js';

export type CsvImportApi = typeof import('../csv-import/index.js');

let loaded: Promise<CsvImportApi> | undefined;

export function loadCsvImport(): Promise<CsvImportApi> {
  loaded ??= import('../csv-import/index.js');
  return loaded;
}
