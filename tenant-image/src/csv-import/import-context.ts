// What a caller hands an import (besides the file and the plan) and what it gets back. Apart from
// import-csv.ts so the worker protocol can name them without importing the import itself.
import type { ColumnPlan, ImportLimits, ImportMode, ImportProgress } from './import-plan.js';
import type { SecondHalfStarter } from './second-half-run.js';

export interface ImportContext {
  /** The uploaded file's original name, for provenance. */
  fileName: string;
  /** Who imports (user id or email), for provenance. */
  actor?: string | null;
  limits?: Partial<ImportLimits>;
  signal?: AbortSignal;
  /** Called at most every progressIntervalMs, and once at the end. */
  onProgress?: (p: ImportProgress) => void;
  progressIntervalMs?: number;
  /** Chosen by the caller to find the provenance row early; random by default. */
  importId?: string;
  /** Files at least this large are parsed by two threads (split-point.ts); Infinity = never. */
  parallelMinBytes?: number;
  /**
   * Where the second half of a split file is parsed: by default on this thread, interleaved with
   * the first (an import run in process); the import worker hands it to the app's main thread.
   */
  runSecondHalf?: SecondHalfStarter;
  /** Told where a split file was cut and whether the second thread's rows were used (for logs and tests). */
  onSplit?: (at: number, handedOver: boolean) => void;
  /**
   * The plan's column types are placeholders: detect them over the file's first rows (as the
   * review step does) before importing. For an import started without types (the API allows
   * it), so the detection runs here, off the request thread, while a split import's second
   * half starts and reads up to its part. For append, the detected types are checked against
   * the table's, as the review step's would be.
   */
  detectTypes?: boolean;
}

export interface ImportResult {
  importId: string;
  table: string;
  mode: ImportMode;
  rows: number;
  bytes: number;
  sha256: string;
  columns: ColumnPlan[];
  startedAt: string;
  finishedAt: string;
  /**
   * Where the time went, in ms, for logs and the benchmark: `detect` (type detection, when
   * asked for), `parse` (this thread's part of the file, parsed and staged), `wait` (for the
   * second half's scratch files), `copy` (its rows into staging), `publish`. Only the phases that ran
   * are present.
   */
  phasesMs: Record<string, number>;
}
