// The part of the CSV import module (src/csv-import, owned by the import pipeline) that the app
// uses, loaded on first use only: an idle tenant never pays for the parser, the type detector
// or the worker code (memory target: ≤ 16 MiB per idle tenant). Type-only imports below are
// erased at build time and load nothing.
import type { Db } from '../db/open-database.js';
import type { CsvPreview, PreviewOptions } from '../csv-import/preview.js';
import type { ImportLimits, ImportPlan, ImportProgress } from '../csv-import/import-plan.js';
import type { ImportRecord } from '../csv-import/provenance.js';
import type { ImportResult } from '../csv-import/import-csv.js';

export type { CsvPreview, ImportPlan, ImportProgress, ImportRecord, ImportResult };
export type { ColumnPlan, ImportMode, Encoding, Delimiter, ColumnType } from '../csv-import/import-plan.js';

export interface ImportHandle {
  readonly promise: Promise<ImportResult>;
  cancel(): void;
}

export interface CsvImportApi {
  previewCsv(path: string, opts: PreviewOptions): Promise<CsvPreview>;
  runImportInWorker(
    dbPath: string,
    csvPath: string,
    plan: ImportPlan,
    ctx: { limits: ImportLimits; actor: string; fileName: string; onProgress: (p: ImportProgress) => void },
  ): ImportHandle;
  listImports(db: Db, table?: string): ImportRecord[];
  dropStaleStagingTables(db: Db): string[];
  neutraliseFormula(cell: string): string;
  readonly ENCODINGS: readonly string[];
  readonly DELIMITERS: readonly string[];
  readonly COLUMN_TYPES: readonly string[];
}

let loaded: Promise<CsvImportApi> | undefined;

export function loadCsvImport(): Promise<CsvImportApi> {
  // A non-literal specifier keeps the module out of the startup graph (and out of tsc's view
  // until the module's index exists).
  const specifier = '../csv-import/index.js';
  loaded ??= import(specifier) as Promise<CsvImportApi>;
  return loaded;
}
