// Streams a CSV file from disk through the checks into csv-parse, in 256 KiB reads into two
// alternating buffers, so memory stays flat whatever the file size. Hashes the raw bytes on the
// way. UTF-8 files go to csv-parse as raw bytes (utf8-feed.ts); other encodings are decoded first
// (text-feed.ts). Each read is parsed in 64 KiB slices; records reach `sink` synchronously while
// a slice is parsed, and `afterChunk` runs after each slice (the importer commits a batch there,
// so the write lock is held for at most a batch plus one slice; progress and cancel stay prompt).
// The slice size matters for memory: csv-parse copies each input (joined to the bytes it held
// back) into a new Buffer; at 256 KiB those copies were mmap-sized allocations, each held in RSS
// until V8 collected its Buffer object, and parsing the benchmark peaked at 120 MiB; at 64 KiB
// malloc reuses freed copies and the same parse peaks at 59 MiB, with no measurable CPU cost.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { CsvRecordParser, type RecordSink } from './csv-record-parser.js';
import { bomLength } from './decode-text.js';
import { ImportError } from './import-errors.js';
import type { Delimiter, Encoding, ImportLimits } from './import-plan.js';
import { TextFeed } from './text-feed.js';
import { Utf8Feed, type CsvFeed } from './utf8-feed.js';

export type { RecordSink } from './csv-record-parser.js';

export const READ_CHUNK_BYTES = 256 * 1024;
export const PARSE_SLICE_BYTES = 64 * 1024;

export interface CsvReadOptions {
  encoding: Encoding;
  delimiter: Delimiter;
  limits: ImportLimits;
  signal?: AbortSignal;
  /** Hash the bytes read (SHA-256), continuing `hash` when one is given. */
  hash?: boolean | Hash;
  /** Stop (without error) once this many bytes were read; 0 = read to the end. */
  stopAfterBytes?: number;
  /**
   * Read from byte `start` (a line start after the header) to the end, numbering lines after
   * `lineOffset`. Every record reaches the sink, whatever its field count: the caller checks.
   */
  range?: { start: number; lineOffset: number };
  /** Asks whether a record ends exactly at byte `at` (CsvRecordParser.watchBoundary). */
  boundary?: { at: number; decided: (held: boolean) => void };
}

export interface CsvReadResult {
  /** The file offset reached. */
  bytesRead: number;
  /** The file's size when it is a regular file; 0 for pipes. */
  totalBytes: number;
  sha256: string | null;
  reachedEnd: boolean;
}

export type AfterChunk = (bytesRead: number, totalBytes: number) => void | Promise<void>;

export async function readCsv(path: string, opts: CsvReadOptions, sink: RecordSink, afterChunk?: AfterChunk): Promise<CsvReadResult> {
  const { limits, range, boundary } = opts;
  const hash = opts.hash === true ? createHash('sha256') : opts.hash || null;
  const fh = await open(path, 'r');
  let parser: CsvRecordParser | null = null;
  try {
    const stat = await fh.stat();
    const regular = stat.isFile();
    const totalBytes = regular ? stat.size : 0;
    checkFileSize(totalBytes, limits, undefined);
    const start = range?.start ?? 0;
    const readEnd = opts.stopAfterBytes ? Math.min(totalBytes, start + opts.stopAfterBytes + READ_CHUNK_BYTES) : totalBytes;
    // No 0x0D byte means no CR character in any of our encodings.
    const lfOnly = regular && !(await containsByte(fh, 0x0d, start, readEnd));
    parser = new CsvRecordParser(
      opts.delimiter,
      { maxFieldChars: limits.maxFieldBytes, lineOffset: range?.lineOffset, headerless: range !== undefined, lfOnly },
      sink,
    );
    // Locating an error re-reads the file, which a pipe cannot do: pipes take the decoding path.
    const feed: CsvFeed =
      opts.encoding === 'utf-8' && regular
        ? new Utf8Feed(parser, path, opts.delimiter)
        : new TextFeed(parser, opts.delimiter, opts.encoding, range?.lineOffset);
    // csv-parse keeps a view of the last bytes of each input until the next one arrives, so a
    // read must not overwrite the buffer the previous slice came from.
    const buffers = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
    let offset = start;
    let reads = 0;
    let reachedEnd = false;
    while (!parser.isStopped) {
      throwIfCancelled(opts.signal);
      const buf = buffers[reads++ % 2]!;
      const { bytesRead: n } = await fh.read(buf, 0, READ_CHUNK_BYTES, regular ? offset : null);
      if (n === 0) {
        reachedEnd = true;
        break;
      }
      const chunk = buf.subarray(0, n);
      hash?.update(chunk);
      const skip = offset === 0 ? bomLength(opts.encoding, chunk) : 0;
      checkFileSize(offset + n, limits, parser.openRecordLine());
      for (let at = skip; at < n && !parser.isStopped; ) {
        let end = Math.min(at + PARSE_SLICE_BYTES, n);
        // A slice ends at the boundary asked about, so the parser's input ends there when it is watched.
        const cut = boundary ? boundary.at - offset : -1;
        if (cut > at && cut < end) end = cut;
        await feed.write(chunk.subarray(at, end), offset + at);
        if (boundary && offset + end === boundary.at) parser.watchBoundary(boundary.decided);
        await afterChunk?.(offset + end, totalBytes);
        at = end;
      }
      offset += n;
      if (opts.stopAfterBytes && offset >= opts.stopAfterBytes) break;
    }
    if (reachedEnd && !parser.isStopped) await feed.end();
    return { bytesRead: offset, totalBytes, sha256: hash ? hash.digest('hex') : null, reachedEnd };
  } finally {
    parser?.destroy();
    await fh.close();
  }
}

/** Whether bytes [start, end) of the file hold `byte`; a native scan (~10 ms per 100 MB cached). */
async function containsByte(fh: FileHandle, byte: number, start: number, end: number): Promise<boolean> {
  const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  for (let at = start; at < end; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(READ_CHUNK_BYTES, end - at), at);
    if (bytesRead === 0) return false;
    if (buf.subarray(0, bytesRead).indexOf(byte) !== -1) return true;
    at += bytesRead;
  }
  return false;
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
  if (signal?.aborted) throw cancelled();
}

function cancelled(): ImportError {
  return new ImportError('CSV_CANCELLED', 'The import was cancelled; nothing was written.');
}

/** `promise`, or CSV_CANCELLED as soon as `signal` aborts. */
export async function untilCancelled<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfCancelled(signal);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
