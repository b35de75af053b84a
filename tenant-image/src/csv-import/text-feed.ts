// The path for encodings other than UTF-8 (UTF-16, Windows-1252): decode, check the text for NUL,
// track the position for errors, and hand the text to csv-parse. Only UTF-8 needs to be fast.
import type { CsvRecordParser } from './csv-record-parser.js';
import { createDecoder, type TextChunkDecoder } from './decode-text.js';
import type { Encoding } from './import-plan.js';
import { invalidEncodingError, nulByteError } from './row-checks.js';
import { TextPosition } from './text-position.js';
import type { CsvFeed } from './utf8-feed.js';

export class TextFeed implements CsvFeed {
  private readonly position: TextPosition;
  private readonly decoder: TextChunkDecoder;

  constructor(
    private readonly parser: CsvRecordParser,
    delimiter: string,
    private readonly encoding: Encoding,
    /** Physical lines before the first byte fed (a feed may start part-way into a file). */
    lineOffset = 0,
  ) {
    this.position = new TextPosition(delimiter, lineOffset + 1);
    this.decoder = createDecoder(encoding);
  }

  async write(chunk: Buffer): Promise<void> {
    const decoded = this.decoder.decode(chunk);
    await this.writeText(decoded.text, decoded.invalid);
  }

  async end(): Promise<void> {
    const tail = this.decoder.end();
    await this.writeText(tail.text, tail.invalid);
    await this.parser.end();
  }

  private async writeText(text: string, invalidAfter: boolean): Promise<void> {
    const nul = text.indexOf('\u0000');
    if (nul !== -1) {
      await this.push(text.slice(0, nul));
      throw nulByteError(this.position.line, this.position.column);
    }
    await this.push(text);
    if (invalidAfter) throw invalidEncodingError(this.position.line, this.position.column, this.encoding);
  }

  private async push(text: string): Promise<void> {
    if (text.length === 0) return;
    this.position.advance(text);
    await this.parser.write(text);
  }
}
