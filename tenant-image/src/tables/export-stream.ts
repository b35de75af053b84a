// CSV and JSON exports as streams: rows are pulled from a statement iterator only as fast as
// the client reads (Readable.from over an async generator waits at each yield), in chunks of
// about 64 KiB, so memory stays flat whatever the table size.
import { Readable } from 'node:stream';

export type ExportFormat = 'csv' | 'json';

export interface RowSource {
  readonly columns: readonly string[];
  readonly rows: Iterable<readonly unknown[]>;
  /** Called once when the stream ends, fails or the client goes away. */
  readonly close?: () => void;
  /** CSV only: per column, the text written for NULL (default: the empty cell). */
  readonly nullText?: readonly string[];
}

const CHUNK_CHARS = 64 * 1024;

/** A marker written for NULL is written as is when a spreadsheet would not run it ("-", "NA", "-999"). */
const PLAIN_MARKER = /^(?:-|-?\d+(?:\.\d+)?)$|^[^=+\-@\t\r]/;

function csvCell(v: unknown, neutralise: (cell: string) => string, nullText = ''): string {
  if (v === null || v === undefined) {
    if (nullText === '') return '';
    const s = PLAIN_MARKER.test(nullText) ? nullText : neutralise(nullText);
    return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
  }
  // Only text can be a formula; numbers (e.g. -5) are written as they are.
  const s = typeof v === 'string' ? neutralise(v) : Buffer.isBuffer(v) ? v.toString('base64') : String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `nullText`: per column, what to write for NULL (default: the empty cell; see null-markers.ts). */
export function csvLine(values: readonly unknown[], neutralise: (cell: string) => string, nullText?: readonly string[]): string {
  return values.map((v, i) => csvCell(v, neutralise, nullText?.[i])).join(',') + '\r\n';
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return v;
}

export function jsonRecord(columns: readonly string[], values: readonly unknown[]): string {
  const o: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    o[c] = jsonValue(values[i]);
  });
  return JSON.stringify(o);
}

async function* chunksOf(src: RowSource, format: ExportFormat, neutralise: (cell: string) => string): AsyncGenerator<string> {
  try {
    let buf = format === 'csv' ? csvLine(src.columns, neutralise) : '[';
    let first = true;
    for (const row of src.rows) {
      if (format === 'csv') buf += csvLine(row, neutralise, src.nullText);
      else {
        buf += (first ? '\n' : ',\n') + jsonRecord(src.columns, row);
        first = false;
      }
      if (buf.length >= CHUNK_CHARS) {
        yield buf;
        buf = '';
      }
    }
    yield buf + (format === 'json' ? '\n]\n' : '');
  } finally {
    src.close?.();
  }
}

/** A readable stream of the export. neutralise guards spreadsheet formulas (=, +, -, @) in CSV cells. */
export function exportStream(src: RowSource, format: ExportFormat, neutralise: (cell: string) => string): Readable {
  return Readable.from(chunksOf(src, format, neutralise), { objectMode: false });
}

export function contentTypeOf(format: ExportFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
}

/** Content-Disposition with a safe ASCII fallback and the exact UTF-8 name. */
export function attachmentHeader(baseName: string, format: ExportFormat): string {
  const name = `${baseName}.${format}`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
