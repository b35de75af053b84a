// Where a large file is cut so that two threads can parse it at once: the first line start after
// about the middle (FIRST_PART). Parsing is csv-parse's single-threaded byte loop, the import's largest cost, and the
// tenant has two cores. The cut is speculative: a quoted field may span it; the import worker
// checks that when its own parse reaches the cut (CsvRecordParser.watchBoundary) and otherwise
// carries on alone.
import { availableParallelism } from 'node:os';
import { open } from 'node:fs/promises';
import type { Encoding } from './import-plan.js';

/** Files smaller than this are parsed in one pass: the split's fixed costs (the first part's lines counted again, scratch files, the copy) outweigh what it saves. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;
const WINDOW_BYTES = 64 * 1024;
/**
 * The import worker's share of the file. It also copies the second half's rows into staging at
 * the end (~0.6 s per 500k rows), yet the second half is the slower of the two: in the app it
 * runs on the main thread, between requests, yielding after every slice. In the container's
 * bench the worker waited 189-251 ms for it at 0.50 and 1-2 ms at 0.53 (run-to-run noise ±10 %).
 */
export const FIRST_PART = 0.53;

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
