// The parse side of the commit step: read → decode → csv-parse → header, field-count and type
// checks against the plan, packed into compact batches for the insert side. It runs in the parse
// worker (so parsing overlaps inserting on a second core) or, for importCsv(), in the caller's thread.
//
// A batch is one string: every field of its rows joined by NUL, row after row. NUL cannot occur in
// a field (read-csv rejects it before parsing) and every row has the plan's column count, so the
// insert side needs only split('\u0000'). An empty field is NULL in every type, and integer and
// real fields are sent as the text already checked here, so Number() on the insert side yields the
// exact value. One string per ~256 KiB of input is cheap to post between threads (no per-field
// objects to clone) and keeps what is in flight small.
import { MISMATCH, parseIntegerCell, parseRealCell, isDateCell, isDateTimeCell } from './cell-types.js';
import { ImportError } from './import-errors.js';
import type { ColumnPlan, Delimiter, Encoding, ImportLimits, ImportMode } from './import-plan.js';
import { readCsv } from './read-csv.js';
import { checkHeader, raggedRowError, tooManyRowsError, typeMismatchError } from './row-checks.js';

export const FIELD_SEPARATOR = '\u0000';

export interface RowBatch {
  /** rows × columns fields joined by FIELD_SEPARATOR; empty = NULL. */
  text: string;
  rows: number;
  /** How far into the file the parser was when this batch ended. */
  bytesRead: number;
  totalBytes: number;
}

export interface TypedReadOptions {
  path: string;
  encoding: Encoding;
  delimiter: Delimiter;
  mode: ImportMode;
  /** In the file's order; `header` is what the file's first row must say. */
  columns: readonly ColumnPlan[];
  limits: ImportLimits;
  signal?: AbortSignal;
}

export interface TypedReadResult {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  sha256: string;
}

/** Receives each batch; a returned promise is awaited before parsing goes on (backpressure). */
export type BatchSink = (batch: RowBatch) => void | Promise<void>;

const TYPE_CODE = { text: 0, integer: 1, real: 2, date: 3, datetime: 4 } as const;

/** Whether the insert side stores the column's text as a number. */
export function isNumericColumn(column: ColumnPlan): boolean {
  return column.type === 'integer' || column.type === 'real';
}

export async function readTypedBatches(opts: TypedReadOptions, onBatch: BatchSink): Promise<TypedReadResult> {
  const { columns, limits } = opts;
  const ncols = columns.length;
  const typeCodes = Uint8Array.from(columns, (c) => TYPE_CODE[c.type]);
  const maxRows = limits.maxRows;
  const appending = opts.mode === 'append';
  let headerSeen = false;
  let rows = 0;
  // The fields of the batch being built; joined once per batch, reused afterwards.
  let parts: string[] = [];
  let batchRows = 0;

  const result = await readCsv(
    opts.path,
    { encoding: opts.encoding, delimiter: opts.delimiter, limits, signal: opts.signal, hash: true },
    (fields, count, line) => {
      if (!headerSeen) {
        checkHeaderMatchesPlan(checkHeader(fields, count, limits), columns);
        headerSeen = true;
        return;
      }
      if (count !== ncols) throw raggedRowError(line, ncols, count);
      for (let i = 0; i < ncols; i++) {
        const s = fields[i]!;
        if (s.length > 0 && !fitsType(typeCodes[i]!, s)) {
          throw typeMismatchError(line, i + 1, columns[i]!.name, columns[i]!.type, s, appending);
        }
        parts.push(s);
      }
      if (maxRows > 0 && rows >= maxRows) throw tooManyRowsError(line, maxRows);
      rows++;
      batchRows++;
    },
    async (bytesRead, totalBytes) => {
      // After each 256 KiB slice: whatever it held becomes one batch.
      if (batchRows === 0) return;
      const batch: RowBatch = { text: parts.join(FIELD_SEPARATOR), rows: batchRows, bytesRead, totalBytes };
      parts = [];
      batchRows = 0;
      await onBatch(batch);
    },
  );
  if (!headerSeen) throw new ImportError('CSV_EMPTY_FILE', 'The file is empty: there is no header row.', { line: 1 });
  // The last slice's rows were flushed by its afterChunk; decoder.end() and the parser's end()
  // (a last line without a line break) may still add one.
  if (batchRows > 0) {
    await onBatch({ text: parts.join(FIELD_SEPARATOR), rows: batchRows, bytesRead: result.bytesRead, totalBytes: result.totalBytes });
  }
  return { rows, bytesRead: result.bytesRead, totalBytes: result.totalBytes, sha256: result.sha256! };
}

function fitsType(code: number, s: string): boolean {
  switch (code) {
    case 0:
      return true;
    case 1:
      return parseIntegerCell(s) !== MISMATCH;
    case 2:
      return parseRealCell(s) !== MISMATCH;
    case 3:
      return isDateCell(s);
    default:
      return isDateTimeCell(s);
  }
}

function checkHeaderMatchesPlan(headers: string[], planned: readonly ColumnPlan[]): void {
  const changed = headers.length !== planned.length || headers.some((h, i) => h !== planned[i]!.header);
  if (changed) {
    throw new ImportError('CSV_HEADER_CHANGED', "The file's header row does not match the reviewed columns; preview the file again.", {
      line: 1,
      details: { headers, planned: planned.map((c) => c.header) },
    });
  }
}
