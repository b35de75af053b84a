// Streams a CSV file from disk through decode → NUL check → tokenizer, in 256 KiB reads with one
// reused buffer, so memory stays flat whatever the file size. Hashes the raw bytes on the way.
// Records reach `sink` synchronously; `afterChunk` runs between reads (the importer commits a
// batch there) and is the only place the loop yields.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { CsvTokenizer, type RecordSink } from './csv-tokenizer.js';
import { bomLength, createDecoder } from './decode-text.js';
import { ImportError } from './import-errors.js';
import type { Delimiter, Encoding, ImportLimits } from './import-plan.js';

export const READ_CHUNK_BYTES = 256 * 1024;
const DECODE_SLICE_BYTES = 64 * 1024;

export interface CsvReadOptions {
  encoding: Encoding;
  delimiter: Delimiter;
  limits: ImportLimits;
  signal?: AbortSignal;
  hash?: boolean;
  /** Stop (without error) once this many bytes were read; 0 = read to the end. */
  stopAfterBytes?: number;
}

export interface CsvReadResult {
  bytesRead: number;
  /** The file's size when it is a regular file; 0 for pipes. */
  totalBytes: number;
  sha256: string | null;
  reachedEnd: boolean;
}

export type AfterChunk = (bytesRead: number, totalBytes: number) => void | Promise<void>;

export async function readCsv(path: string, opts: CsvReadOptions, sink: RecordSink, afterChunk?: AfterChunk): Promise<CsvReadResult> {
  const { limits } = opts;
  const tokenizer = new CsvTokenizer(opts.delimiter, {
    maxFieldChars: limits.maxFieldBytes > 0 ? limits.maxFieldBytes : Number.MAX_SAFE_INTEGER,
    // One more than the limit, so a too-wide row is seen as ragged rather than as a wide header.
    maxFields: limits.maxColumns > 0 ? limits.maxColumns + 1 : 1_000_000,
  });
  const decoder = createDecoder(opts.encoding);
  const hash = opts.hash ? createHash('sha256') : null;
  const fh = await open(path, 'r');
  try {
    const stat = await fh.stat();
    const totalBytes = stat.isFile() ? stat.size : 0;
    checkFileSize(totalBytes, limits, undefined);
    const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let bytesRead = 0;
    let reachedEnd = false;
    while (!tokenizer.stopped) {
      throwIfCancelled(opts.signal);
      const { bytesRead: n } = await fh.read(buf, 0, READ_CHUNK_BYTES, null);
      if (n === 0) {
        reachedEnd = true;
        break;
      }
      let chunk = buf.subarray(0, n);
      hash?.update(chunk);
      if (bytesRead === 0) chunk = chunk.subarray(bomLength(opts.encoding, chunk));
      bytesRead += n;
      checkFileSize(bytesRead, limits, tokenizer.currentLine());
      // Decoding in slices keeps each text string small: V8 keeps big strings (and the copies
      // made when joining them to a partial record) in large-object space, which showed up as
      // tens of MiB of peak RSS. Large reads keep the number of thread-pool round trips down.
      for (let at = 0; at < chunk.length && !tokenizer.stopped; at += DECODE_SLICE_BYTES) {
        const decoded = decoder.decode(chunk.subarray(at, at + DECODE_SLICE_BYTES));
        feedText(tokenizer, decoded.text, sink);
        if (decoded.invalid) throw invalidEncoding(opts.encoding, tokenizer);
      }
      await afterChunk?.(bytesRead, totalBytes);
      if (opts.stopAfterBytes && bytesRead >= opts.stopAfterBytes) break;
    }
    if (reachedEnd && !tokenizer.stopped) {
      const tail = decoder.end();
      feedText(tokenizer, tail.text, sink);
      if (tail.invalid) throw invalidEncoding(opts.encoding, tokenizer);
      tokenizer.end(sink);
    }
    return { bytesRead, totalBytes, sha256: hash ? hash.digest('hex') : null, reachedEnd };
  } finally {
    await fh.close();
  }
}

function feedText(tokenizer: CsvTokenizer, text: string, sink: RecordSink): void {
  if (text.length === 0) return;
  const nul = text.indexOf('\u0000');
  if (nul === -1) {
    tokenizer.push(text, sink);
    return;
  }
  tokenizer.push(text.slice(0, nul), sink);
  const line = tokenizer.currentLine();
  const column = tokenizer.currentColumn();
  throw new ImportError('CSV_NUL_BYTE', `Line ${line}, column ${column} contains a NUL byte; the file is probably not a text CSV file.`, {
    line,
    column,
  });
}

function invalidEncoding(encoding: Encoding, tokenizer: CsvTokenizer): ImportError {
  const line = tokenizer.currentLine();
  const column = tokenizer.currentColumn();
  return new ImportError(
    'CSV_INVALID_ENCODING',
    `Line ${line}, column ${column} is not valid ${encoding.toUpperCase()}. If the file comes from Excel or another Windows program, choose the Windows-1252 encoding.`,
    { line, column, details: { encoding } },
  );
}

function checkFileSize(bytes: number, limits: ImportLimits, line: number | undefined): void {
  if (limits.maxFileBytes > 0 && bytes > limits.maxFileBytes) {
    const where = line === undefined ? '' : ` (reached at line ${line})`;
    throw new ImportError('CSV_FILE_TOO_LARGE', `The file is larger than ${limits.maxFileBytes} bytes, the configured limit${where}.`, {
      line,
      details: { limit: limits.maxFileBytes },
    });
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportError('CSV_CANCELLED', 'The import was cancelled; nothing was written.');
}
