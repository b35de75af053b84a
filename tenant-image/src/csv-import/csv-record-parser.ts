// The only file that imports csv-parse. Wraps its streaming parser for decoded text fed chunk by
// chunk: records arrive synchronously inside write() (the parser's readable side is flowing and
// consumed by our 'data' handler, so nothing queues), each with the physical line it starts on.
// Every CsvError becomes an ImportError with a line and column.
//
// Semantics (csv-parse options below): fields separated by one delimiter character; records end
// at LF or CRLF; a field that starts with `"` is quoted, `""` inside it is a quote, and it may span
// lines; any other quote is kept literally (relax_quotes), so is a quoted field followed by more
// text (`"ab"cd` stays `"ab"cd`); empty lines are skipped; every record must have the header's
// field count.
import { CsvError, parse, type Parser } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { ImportError } from './import-errors.js';
import { raggedRowError } from './row-checks.js';

/** Receives each record; return false to stop. `line` is the physical line the record starts on. */
export type RecordSink = (fields: string[], count: number, line: number) => boolean | void;

export interface RecordParserLimits {
  /** Longest field, in characters; 0 = no limit. */
  maxFieldChars: number;
}

export interface RecordParserOptions extends RecordParserLimits {
  /** Physical lines before the input (it starts part-way into a file); 0 by default. */
  lineOffset?: number;
  /**
   * No header: every record reaches the sink whatever its field count, for a caller that checks
   * counts itself (the second half of a split file, whose header the other half read).
   */
  headerless?: boolean;
  /**
   * The input has no CR at all, so LF is the only line break: csv-parse then checks one record
   * delimiter per byte instead of two (the same records, ~0.6 CPU-s less per 1M rows).
   */
  lfOnly?: boolean;
}

/** The options every parse shares; the record limit stops an unclosed quote from buffering a whole file. */
function parseOptions(delimiter: string, maxRecordSize: number, relaxColumnCount = false, lfOnly = false) {
  return {
    delimiter,
    // We strip the BOM ourselves, and hand csv-parse UTF-8 bytes or text.
    bom: false,
    // Explicit, so CRLF and LF may both appear in one file (auto-detection fixes on the first seen).
    record_delimiter: lfOnly ? ['\n'] : ['\r\n', '\n'],
    relax_quotes: true,
    relax_column_count: relaxColumnCount,
    skip_empty_lines: true,
    max_record_size: maxRecordSize,
  };
}

export class CsvRecordParser {
  private readonly parser: Parser;
  private readonly maxFieldChars: number;
  private readonly maxRecordChars: number;
  private readonly lineOffset: number;
  /** The first error (ours from the sink, or the parser's), reported by the next write()/end(). */
  private failure: unknown = null;
  private stopped = false;
  /** A high surrogate that ended the last text: csv-parse turns each chunk into UTF-8 on its own. */
  private carry = '';
  // csv-parse counts lines at every CR and LF, except the LF of a CRLF record delimiter; we want
  // physical lines (LF). Its count at the end of the previous record, the empty lines skipped by
  // then, and the CRs seen inside fields so far give the line each record starts on.
  private rawEnd = 0;
  private emptyBefore = 0;
  private crInFields = 0;
  /** Field count of the first record (the header), which every record must match. */
  private headerFields = -1;
  /** Bytes handed to csv-parse so far (text counts as the UTF-8 it becomes), and where the last record ended. */
  private bytesFed = 0;
  private lastRecordEnd = 0;
  private boundary: { at: number; decided: (held: boolean) => void } | null = null;

  constructor(
    delimiter: string,
    options: RecordParserOptions,
    private readonly sink: RecordSink,
  ) {
    this.maxFieldChars = options.maxFieldChars > 0 ? options.maxFieldChars : Number.MAX_SAFE_INTEGER;
    // A record may hold several large fields; past this a missing closing quote is the likely story.
    this.maxRecordChars = options.maxFieldChars > 0 ? Math.max(8 * options.maxFieldChars, 1024 * 1024) : 0;
    this.lineOffset = options.lineOffset ?? 0;
    this.parser = parse(parseOptions(delimiter, this.maxRecordChars, options.headerless === true, options.lfOnly === true));
    this.parser.on('data', (record: string[]) => this.onRecord(record));
    this.parser.on('error', (err: unknown) => this.fail(err));
  }

  /** True once the sink returned false or anything failed; further input is ignored. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Says whether a record ends exactly where the input fed so far ends, i.e. whether the file may
   * be cut there without changing any record. csv-parse holds back the last bytes of each input
   * until it sees what follows, so this is decided by the first record that ends past this point
   * (which then stops the parse without reaching the sink if the boundary held), or by end().
   */
  watchBoundary(decided: (held: boolean) => void): void {
    this.boundary = { at: this.bytesFed, decided };
  }

  /** Parses `input` (UTF-8 bytes or text); resolves when every complete record in it has reached the sink. */
  write(input: string | Buffer): Promise<void> {
    if (this.stopped) return this.settle();
    if (typeof input === 'string') input = this.withoutSplitSurrogate(input);
    if (input.length === 0) return Promise.resolve();
    this.bytesFed += typeof input === 'string' ? Buffer.byteLength(input) : input.length;
    return new Promise<void>((resolve, reject) => {
      this.parser.write(input, (err) => {
        if (err) this.fail(err);
        this.settle().then(resolve, reject);
      });
    });
  }

  /** Parses what is left (the last record may lack a line break); rejects on an unclosed quote. */
  end(): Promise<void> {
    if (this.stopped) return this.settle();
    // A lone high surrogate at the very end is invalid text; csv-parse stores it as U+FFFD.
    if (this.carry.length > 0) this.parser.write(this.carry);
    this.carry = '';
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.parser.off('end', done);
        this.parser.off('error', done);
        // No record ended past the watched point: there was nothing after it to hand over.
        this.decideBoundary(false);
        this.settle().then(resolve, reject);
      };
      this.parser.once('end', done);
      this.parser.once('error', done);
      this.parser.end();
    });
  }

  /** Frees the parser; safe to call more than once. */
  destroy(): void {
    this.stopped = true;
    if (!this.parser.destroyed) this.parser.destroy();
  }

  /** The line the record being parsed (not yet complete) started on. */
  openRecordLine(emptyLines = this.parser.info.empty_lines): number {
    return this.lineOffset + this.rawEnd + 1 + (emptyLines - this.emptyBefore) - this.crInFields;
  }

  private withoutSplitSurrogate(text: string): string {
    if (this.carry.length > 0) {
      text = this.carry + text;
      this.carry = '';
    }
    if (text.length > 0 && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      this.carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    return text;
  }

  /**
   * Keeps the first error. Once the sink has stopped the parse, csv-parse still runs through the
   * rest of the input it was given; what it finds there is past the records we wanted (the other
   * thread's half, or beyond a preview's rows), so it is not an error of this parse.
   */
  private fail(err: unknown): void {
    if (this.stopped && this.failure === null) return;
    this.failure ??= err;
  }

  private decideBoundary(held: boolean): void {
    const boundary = this.boundary;
    if (boundary === null) return;
    this.boundary = null;
    boundary.decided(held);
  }

  private settle(): Promise<void> {
    if (this.failure === null) return Promise.resolve();
    this.destroy();
    return Promise.reject(this.failure instanceof CsvError ? this.mapCsvError(this.failure) : this.failure);
  }

  private onRecord(fields: string[]): void {
    if (this.stopped) return;
    const info = this.parser.info;
    if (this.boundary !== null && info.bytes > this.boundary.at) {
      const held = this.lastRecordEnd === this.boundary.at;
      this.decideBoundary(held);
      if (held) {
        this.stopped = true;
        return;
      }
    }
    this.lastRecordEnd = info.bytes;
    const rawStart = this.rawEnd + 1 + (info.empty_lines - this.emptyBefore);
    const line = this.lineOffset + rawStart - this.crInFields;
    if (info.lines !== rawStart) this.crInFields += countCarriageReturns(fields);
    this.rawEnd = info.lines;
    this.emptyBefore = info.empty_lines;
    const count = fields.length;
    if (this.headerFields < 0) this.headerFields = count;
    try {
      for (let i = 0; i < count; i++) {
        if (fields[i]!.length > this.maxFieldChars) throw fieldTooLarge(line, i + 1, this.maxFieldChars);
      }
      if (this.sink(fields, count, line) === false) this.stopped = true;
    } catch (err) {
      // Thrown from here it would unwind through the stream's internals; report it from write().
      this.failure ??= err;
      this.stopped = true;
    }
  }

  private mapCsvError(err: CsvError): ImportError {
    const line = this.openRecordLine(typeof err.empty_lines === 'number' ? err.empty_lines : undefined);
    const column = typeof err.column === 'number' ? err.column + 1 : undefined;
    switch (err.code) {
      case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
        const got = Array.isArray(err.record) ? err.record.length : 0;
        return raggedRowError(line, this.headerFields, got);
      }
      case 'CSV_QUOTE_NOT_CLOSED':
        return new ImportError('CSV_UNTERMINATED_QUOTE', `The quoted field starting on line ${line}, column ${column} is never closed.`, {
          line,
          column,
          cause: err,
        });
      case 'CSV_MAX_RECORD_SIZE':
        return new ImportError(
          'CSV_FIELD_TOO_LARGE',
          `The row starting on line ${line} grew past ${this.maxRecordChars} characters at column ${column}: a field there is larger than ${this.maxFieldChars} bytes, the configured limit (or a quote opened there is never closed).`,
          { line, column, details: { limit: this.maxFieldChars }, cause: err },
        );
      default:
        // Only reachable with options we do not use (columns, trimming, strict quotes).
        return new ImportError('CSV_INTERNAL', `The CSV parser failed on line ${line}: ${err.message}`, { line, column, cause: err });
    }
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function countCarriageReturns(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) for (let k = f.indexOf('\r'); k !== -1; k = f.indexOf('\r', k + 1)) n++;
  return n;
}

export function fieldTooLarge(line: number, column: number, limit: number): ImportError {
  return new ImportError('CSV_FIELD_TOO_LARGE', `The field on line ${line}, column ${column} is larger than ${limit} bytes, the configured limit.`, {
    line,
    column,
    details: { limit },
  });
}

/**
 * Field counts of the first `maxRecords` records of a text sample (for delimiter sniffing). When
 * the sample is a prefix of the file, its cut-off last line is left out; a parse error (say, an
 * unclosed quote) ends the list without failing.
 */
export function countFieldsPerRecord(sample: string, delimiter: string, maxRecords: number, wholeFile: boolean): number[] {
  const counts: number[] = [];
  const text = wholeFile ? sample : sample.slice(0, sample.lastIndexOf('\n') + 1);
  try {
    parseSync(text, {
      ...parseOptions(delimiter, 0),
      relax_column_count: true,
      to: maxRecords,
      on_record: (record: string[]) => {
        counts.push(record.length);
        return null;
      },
    });
  } catch {
    // The records before the error still tell us how rows split.
  }
  return counts;
}
