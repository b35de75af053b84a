// Streams a CSV file from disk through decode → NUL check → csv-parse, in 1 MiB reads with one
// reused buffer, so memory stays flat whatever the file size. Hashes the raw bytes on the way.
// Each read is decoded and parsed in 256 KiB slices; records reach `sink` synchronously while a
// slice is parsed, and `afterChunk` runs after each slice (the importer commits a batch there, so
// the write lock is held for at most a batch plus one slice; progress and cancel stay prompt).
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { CsvRecordParser, type RecordSink } from './csv-record-parser.js';
import { bomLength, createDecoder } from './decode-text.js';
import { ImportError } from './import-errors.js';
import type { Delimiter, Encoding, ImportLimits } from './import-plan.js';
import { TextPosition } from './text-position.js';

export type { RecordSink } from './csv-record-parser.js';

export const READ_CHUNK_BYTES = 1024 * 1024;
export const PARSE_SLICE_BYTES = 256 * 1024;

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
  const parser = new CsvRecordParser(opts.delimiter, { maxFieldChars: limits.maxFieldBytes }, sink);
  const feed = new TextFeed(parser, opts.delimiter, opts.encoding);
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
    while (!parser.isStopped) {
      throwIfCancelled(opts.signal);
      const { bytesRead: n } = await fh.read(buf, 0, READ_CHUNK_BYTES, null);
      if (n === 0) {
        reachedEnd = true;
        break;
      }
      const chunk = buf.subarray(0, n);
      hash?.update(chunk);
      const skip = bytesRead === 0 ? bomLength(opts.encoding, chunk) : 0;
      checkFileSize(bytesRead + n, limits, feed.position.line);
      for (let at = 0; at < n && !parser.isStopped; at += PARSE_SLICE_BYTES) {
        const end = Math.min(at + PARSE_SLICE_BYTES, n);
        const decoded = decoder.decode(chunk.subarray(Math.max(at, skip), end));
        await feed.write(decoded.text, decoded.invalid);
        await afterChunk?.(bytesRead + end, totalBytes);
      }
      bytesRead += n;
      if (opts.stopAfterBytes && bytesRead >= opts.stopAfterBytes) break;
    }
    if (reachedEnd && !parser.isStopped) {
      const tail = decoder.end();
      await feed.write(tail.text, tail.invalid);
      await feed.end();
    }
    return { bytesRead, totalBytes, sha256: hash ? hash.digest('hex') : null, reachedEnd };
  } finally {
    parser.destroy();
    await fh.close();
  }
}

/** Checks decoded text for NUL bytes, tracks the position for errors, and hands it to the parser. */
class TextFeed {
  readonly position: TextPosition;

  constructor(
    private readonly parser: CsvRecordParser,
    delimiter: string,
    private readonly encoding: Encoding,
  ) {
    this.position = new TextPosition(delimiter);
  }

  async write(text: string, invalidAfter: boolean): Promise<void> {
    const nul = text.indexOf('\u0000');
    if (nul !== -1) {
      await this.push(text.slice(0, nul));
      throw this.located('CSV_NUL_BYTE', (where) => `${where} contains a NUL byte; the file is probably not a text CSV file.`);
    }
    await this.push(text);
    if (invalidAfter) {
      throw this.located(
        'CSV_INVALID_ENCODING',
        (where) =>
          `${where} is not valid ${this.encoding.toUpperCase()}. If the file comes from Excel or another Windows program, choose the Windows-1252 encoding.`,
        { encoding: this.encoding },
      );
    }
  }

  async end(): Promise<void> {
    await this.parser.end();
  }

  private async push(text: string): Promise<void> {
    if (text.length === 0) return;
    this.position.advance(text);
    await this.parser.write(text);
  }

  private located(code: 'CSV_NUL_BYTE' | 'CSV_INVALID_ENCODING', message: (where: string) => string, details?: Record<string, unknown>): ImportError {
    const { line, column } = this.position;
    return new ImportError(code, message(`Line ${line}, column ${column}`), { line, column, details });
  }
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
