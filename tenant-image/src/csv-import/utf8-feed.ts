// The fast path for UTF-8 files: raw bytes go straight to csv-parse (which works on bytes; text
// would only be encoded back), checked on the way with native calls: isUtf8 for validity, with
// the bytes of a character cut at a chunk end carried to the next check, and indexOf for NUL.
// Nothing tracks positions; an error's line and column come from re-reading the file up to it.
import { isUtf8 } from 'node:buffer';
import type { CsvRecordParser } from './csv-record-parser.js';
import { completeUtf8Length, firstInvalidUtf8 } from './decode-text.js';
import { locateByte } from './locate-byte.js';
import { invalidEncodingError, nulByteError } from './row-checks.js';

export interface CsvFeed {
  /** Checks and parses `chunk`, which starts at byte `offset` of the file. */
  write(chunk: Buffer, offset: number): Promise<void>;
  end(): Promise<void>;
}

export class Utf8Feed implements CsvFeed {
  /** The start of a character cut by the last chunk's end (copied: the read buffer is reused). */
  private tail: Buffer | null = null;
  private tailOffset = 0;

  constructor(
    private readonly parser: CsvRecordParser,
    private readonly path: string,
    private readonly delimiter: string,
  ) {}

  async write(chunk: Buffer, offset: number): Promise<void> {
    const nul = chunk.indexOf(0);
    const checked = nul === -1 ? chunk : chunk.subarray(0, nul);
    const invalid = this.firstInvalid(checked, offset);
    if (invalid !== -1) {
      // The valid bytes before it still reach the parser: an earlier error in them comes first.
      if (invalid > offset) await this.parser.write(chunk.subarray(0, invalid - offset));
      const { line, column } = await locateByte(this.path, invalid, this.delimiter);
      throw invalidEncodingError(line, column, 'utf-8');
    }
    await this.parser.write(checked);
    if (nul !== -1) {
      // A character cut by the NUL is the first bad byte.
      const at = this.tail !== null ? this.tailOffset : offset + nul;
      const { line, column } = await locateByte(this.path, at, this.delimiter);
      if (this.tail !== null) throw invalidEncodingError(line, column, 'utf-8');
      throw nulByteError(line, column);
    }
  }

  async end(): Promise<void> {
    if (this.tail !== null) {
      // A multi-byte sequence cut off by the end of the file.
      const { line, column } = await locateByte(this.path, this.tailOffset, this.delimiter);
      throw invalidEncodingError(line, column, 'utf-8');
    }
    await this.parser.end();
  }

  /** File offset of the first byte of an invalid sequence in `chunk` (or the carried tail before it), or -1. */
  private firstInvalid(chunk: Buffer, offset: number): number {
    let from = 0;
    if (this.tail !== null) {
      const tail = this.tail;
      const need = Math.min(sequenceLength(tail[0]!) - tail.length, chunk.length);
      const joined = Buffer.concat([tail, chunk.subarray(0, need)]);
      const complete = completeUtf8Length(joined);
      if (complete < joined.length && need === chunk.length) {
        // Still cut (a chunk of 1–2 bytes): keep carrying.
        this.tail = joined;
        return isUtf8(joined.subarray(0, complete)) ? -1 : this.tailOffset;
      }
      this.tail = null;
      if (!isUtf8(joined)) return this.tailOffset;
      from = need;
    }
    const body = chunk.subarray(from);
    const end = completeUtf8Length(body);
    if (!isUtf8(body.subarray(0, end))) return offset + from + firstInvalidUtf8(body.subarray(0, end));
    if (end < body.length) {
      this.tail = Buffer.from(body.subarray(end));
      this.tailOffset = offset + from + end;
    }
    return -1;
  }
}

/** Bytes in the UTF-8 sequence this lead byte starts (1 for anything that is not a multi-byte lead). */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}
