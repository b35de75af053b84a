// Where a large file is cut so that two threads can parse it at once: the first line start after
// about the middle (FIRST_PART). Parsing is csv-parse's single-threaded byte loop, the import's largest cost, and the
// tenant has two cores. The cut is speculative: a quoted field may span it; the import worker
// checks that when its own parse reaches the cut (CsvRecordParser.watchBoundary) and otherwise
// carries on alone.
import { availableParallelism } from 'node:os';
import { open } from 'node:fs/promises';
import type { Encoding } from './import-plan.js';

/** Files smaller than this are parsed by one thread: a second one costs ~50 ms and ~13 MiB to start. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;
const WINDOW_BYTES = 64 * 1024;
/**
 * The import worker's share of the file. It also copies the helper's rows into staging at the
 * end (~0.6 s per 500k rows), yet the helper (a new isolate writing a scratch file) is not the
 * faster of the two: over HTTP in the container the worker waited 0 ms for the helper at 0.5,
 * 330 ms at 0.48 and 409 ms at 0.45 (run-to-run noise here is ±10 %).
 */
export const FIRST_PART = 0.5;

/**
 * The byte offset (just after an LF) to split the file at, or null to parse it in one thread:
 * when it is small, when there is one CPU, when the encoding is UTF-16 (an LF byte is not a line
 * break there), or when no LF follows the middle closely.
 */
export async function chooseSplit(path: string, totalBytes: number, encoding: Encoding, minBytes = PARALLEL_MIN_BYTES): Promise<number | null> {
  if (totalBytes < Math.max(minBytes, 2) || availableParallelism() < 2) return null;
  if (encoding !== 'utf-8' && encoding !== 'windows-1252') return null;
  const middle = Math.floor(totalBytes * FIRST_PART);
  const fh = await open(path, 'r');
  try {
    const window = Buffer.alloc(Math.min(WINDOW_BYTES, totalBytes - middle));
    const { bytesRead } = await fh.read(window, 0, window.length, middle);
    const lf = window.subarray(0, bytesRead).indexOf(0x0a);
    if (lf === -1 || middle + lf + 1 >= totalBytes) return null;
    return middle + lf + 1;
  } finally {
    await fh.close();
  }
}
