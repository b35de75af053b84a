// The review step: reads the start of the file (nothing is written) and proposes how to import
// it — encoding, delimiter, column names and types — with the first rows to show the user.
// Types come from a bounded prefix; the import itself validates every value against them.
import { open } from 'node:fs/promises';
import { nameColumns, suggestTableName } from './column-names.js';
import { createDecoder, bomLength } from './decode-text.js';
import { TypeDetector, type TextCause } from './detect-types.js';
import { ImportError } from './import-errors.js';
import { DEFAULT_LIMITS, type ColumnPlan, type Delimiter, type Encoding, type ImportLimits, type ImportPlan } from './import-plan.js';
import { readCsv, type CsvReadResult } from './read-csv.js';
import { checkHeader, raggedRowError } from './row-checks.js';
import { sniffDelimiter } from './sniff-delimiter.js';
import { SNIFF_BYTES, sniffEncoding } from './sniff-encoding.js';

/** Type detection looks at the first rows of a file, up to these bounds. */
export const DETECT_SCAN_ROWS = 100_000;
export const DETECT_SCAN_BYTES = 64 * 1024 * 1024;

export interface PreviewOptions {
  /** Overrides the sniffed encoding. */
  encoding?: Encoding;
  /** Overrides the sniffed delimiter. */
  delimiter?: Delimiter;
  /** The uploaded file's original name, for the suggested table name. */
  fileName?: string;
  limits?: Partial<ImportLimits>;
  sampleRows?: number;
  scanRows?: number;
  scanBytes?: number;
  signal?: AbortSignal;
}

export interface CsvPreview {
  encoding: Encoding;
  encodingSniffed: boolean;
  hasBom: boolean;
  delimiter: Delimiter;
  delimiterSniffed: boolean;
  columns: ColumnPlan[];
  /** The first data rows, as text. */
  rows: string[][];
  stats: {
    totalBytes: number;
    bytesScanned: number;
    rowsScanned: number;
    /** True when type detection saw the whole file; otherwise the import validates the rest. */
    scannedWholeFile: boolean;
    /** Per column, how many scanned cells were empty. */
    emptyCounts: number[];
    /** Per column, the missing-value markers seen with their counts (typed columns only). */
    markerCounts: { marker: string; count: number }[][];
    /** Per column, for text columns, the first value that kept the column text and its line. */
    textCauses: (TextCause | null)[];
  };
  /** A ready plan (create mode, suggested table name) for the user to edit and confirm. */
  plan: ImportPlan;
}

export async function previewCsv(path: string, opts: PreviewOptions = {}): Promise<CsvPreview> {
  const limits: ImportLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const sampleRows = opts.sampleRows ?? 20;
  const scanRows = opts.scanRows ?? DETECT_SCAN_ROWS;
  const scanBytes = opts.scanBytes ?? DETECT_SCAN_BYTES;
  const { head, wholeFile } = await readHead(path);
  const sniffed = sniffEncoding(head);
  const encoding = opts.encoding ?? sniffed.encoding;
  const delimiter = opts.delimiter ?? sniffDelimiter(decodeSample(head, encoding), wholeFile);

  const scan = await scanPrefix(path, { encoding, delimiter, limits, signal: opts.signal, scanRows, scanBytes, sampleRows });
  const { headers, detector, rows, rowsScanned, result } = scan;
  const detected = detector.columns();
  const names = nameColumns(headers);
  const columns: ColumnPlan[] = headers.map((header, i) => {
    const { type, nulls, nullMarker } = detected[i]!;
    return { name: names[i]!, header, type, nulls, nullMarker };
  });
  return {
    encoding,
    encodingSniffed: opts.encoding === undefined,
    hasBom: bomLength(encoding, head) > 0,
    delimiter,
    delimiterSniffed: opts.delimiter === undefined,
    columns,
    rows,
    stats: {
      totalBytes: result.totalBytes,
      bytesScanned: result.bytesRead,
      rowsScanned,
      scannedWholeFile: result.reachedEnd,
      emptyCounts: detector.emptyCounts,
      markerCounts: detected.map((d) => d.markerCounts),
      textCauses: detected.map((d) => d.textCause),
    },
    plan: {
      table: suggestTableName(opts.fileName ?? path),
      mode: 'create',
      encoding,
      delimiter,
      columns,
    },
  };
}

export interface PrefixScanOptions {
  encoding: Encoding;
  delimiter: Delimiter;
  limits: ImportLimits;
  signal?: AbortSignal | undefined;
  /** Data rows to look at, and bytes to read at most. */
  scanRows: number;
  scanBytes: number;
  /** Data rows to keep as text for display. */
  sampleRows: number;
}

export interface PrefixScan {
  headers: string[];
  detector: TypeDetector;
  rows: string[][];
  rowsScanned: number;
  result: CsvReadResult;
}

/**
 * Reads the header and up to `scanRows` data rows, detecting column types. Between 64 KiB slices
 * it lets the event loop run: on the request thread (the review page) a 100k-row scan is about a
 * CPU-second, which must not hold up health checks and other requests; in the import worker
 * (type detection for an import started without types) the yield costs nothing measurable.
 */
export async function scanPrefix(path: string, opts: PrefixScanOptions): Promise<PrefixScan> {
  const { limits, scanRows, sampleRows } = opts;
  let headers: string[] | null = null;
  let detector: TypeDetector | null = null;
  const rows: string[][] = [];
  let rowsScanned = 0;
  const result = await readCsv(
    path,
    { encoding: opts.encoding, delimiter: opts.delimiter, limits, signal: opts.signal, stopAfterBytes: opts.scanBytes },
    (fields, count, line) => {
      if (headers === null) {
        headers = checkHeader(fields, count, limits);
        detector = new TypeDetector(count);
        return scanRows > 0;
      }
      if (count !== headers.length) throw raggedRowError(line, headers.length, count);
      detector!.observe(fields, count, line);
      if (rows.length < sampleRows) rows.push(fields.slice(0, count));
      return ++rowsScanned < scanRows;
    },
    () => new Promise<void>((resolve) => setImmediate(resolve)),
  );
  if (headers === null || detector === null) {
    throw new ImportError('CSV_EMPTY_FILE', 'The file is empty: there is no header row.', { line: 1 });
  }
  return { headers, detector, rows, rowsScanned, result };
}

async function readHead(path: string): Promise<{ head: Buffer; wholeFile: boolean }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    let filled = 0;
    while (filled < SNIFF_BYTES) {
      const { bytesRead } = await fh.read(buf, filled, SNIFF_BYTES - filled, null);
      if (bytesRead === 0) return { head: buf.subarray(0, filled), wholeFile: true };
      filled += bytesRead;
    }
    return { head: buf, wholeFile: false };
  } finally {
    await fh.close();
  }
}

function decodeSample(head: Buffer, encoding: Encoding): string {
  return createDecoder(encoding).decode(head.subarray(bomLength(encoding, head))).text;
}
