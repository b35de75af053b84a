// Turns byte chunks into text in the chosen encoding, carrying partial characters across chunk
// boundaries. Invalid UTF-8 is reported (with the valid prefix decoded) rather than replaced,
// so the import can name the line instead of storing U+FFFD silently.
import { isUtf8 } from 'node:buffer';
import type { Encoding } from './import-plan.js';

export interface DecodedChunk {
  text: string;
  /** Set when the bytes after `text` are not valid in the encoding. */
  invalid: boolean;
}

export interface TextChunkDecoder {
  decode(chunk: Buffer): DecodedChunk;
  end(): DecodedChunk;
}

export function createDecoder(encoding: Encoding): TextChunkDecoder {
  switch (encoding) {
    case 'utf-8':
      return new Utf8Decoder();
    case 'utf-16le':
      return new Utf16Decoder(false);
    case 'utf-16be':
      return new Utf16Decoder(true);
    case 'windows-1252':
      return new Windows1252Decoder();
  }
}

/** Byte length of the byte-order mark that starts `head` in this encoding, or 0. */
export function bomLength(encoding: Encoding, head: Buffer): number {
  if (encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 3;
  if (encoding === 'utf-16le' && head[0] === 0xff && head[1] === 0xfe) return 2;
  if (encoding === 'utf-16be' && head[0] === 0xfe && head[1] === 0xff) return 2;
  return 0;
}

class Utf8Decoder implements TextChunkDecoder {
  // TextDecoder validates and carries split sequences natively (simdutf), 3x faster than
  // Buffer#toString on non-ASCII text. We keep our own copy of the carried tail only to find the
  // valid prefix when it rejects a chunk.
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private tail: Buffer | null = null;

  decode(chunk: Buffer): DecodedChunk {
    const tail = this.tail;
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      const whole = tail ? Buffer.concat([tail, chunk]) : chunk;
      const end = completeUtf8Length(whole);
      this.tail = end < whole.length ? Buffer.from(whole.subarray(end)) : null;
      return { text, invalid: false };
    } catch {
      const whole = tail ? Buffer.concat([tail, chunk]) : chunk;
      return { text: whole.toString('utf8', 0, firstInvalidUtf8(whole)), invalid: true };
    }
  }

  end(): DecodedChunk {
    try {
      return { text: this.decoder.decode(), invalid: false };
    } catch {
      // A multi-byte sequence cut off by the end of the file.
      return { text: '', invalid: true };
    }
  }
}

class Utf16Decoder implements TextChunkDecoder {
  private carry: Buffer | null = null;

  constructor(private readonly bigEndian: boolean) {}

  decode(chunk: Buffer): DecodedChunk {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = buf.length - (buf.length % 2);
    this.carry = end < buf.length ? Buffer.from(buf.subarray(end)) : null;
    // A surrogate pair split across chunks is rejoined by the reader (TextFeed in read-csv.ts).
    const body = this.bigEndian ? Buffer.from(buf.subarray(0, end)).swap16() : buf.subarray(0, end);
    return { text: body.toString('utf16le'), invalid: false };
  }

  end(): DecodedChunk {
    return { text: '', invalid: this.carry !== null };
  }
}

class Windows1252Decoder implements TextChunkDecoder {
  private readonly decoder = new TextDecoder('windows-1252');

  decode(chunk: Buffer): DecodedChunk {
    return { text: this.decoder.decode(chunk, { stream: true }), invalid: false };
  }

  end(): DecodedChunk {
    return { text: this.decoder.decode(), invalid: false };
  }
}

/** Length of the prefix of `buf` that does not end inside a multi-byte UTF-8 sequence. */
export function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (only called on the error path). */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const need = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need === 0 || i + need > buf.length) return i;
    if (need > 1 && !isUtf8(buf.subarray(i, i + need))) return i;
    i += need;
  }
  return buf.length;
}
