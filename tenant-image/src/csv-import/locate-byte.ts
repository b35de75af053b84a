// Names the line and field position of a byte offset in a file, by reading the file up to it.
// Only errors need this (a NUL byte, invalid UTF-8), so the fast path never tracks positions; the
// re-read costs about as much as hashing the bytes before the error.
import { open } from 'node:fs/promises';

export interface BytePosition {
  /** 1-based physical line (LF-separated). */
  line: number;
  /** 1-based field position on that line: delimiters before the offset, plus one (approximate inside quoted fields). */
  column: number;
}

const READ_BYTES = 1024 * 1024;
const LF = 0x0a;

/** Reads the file's first `end` bytes in order, one reused buffer at a time. */
export async function readPrefix(path: string, end: number, onChunk: (chunk: Buffer) => void): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    for (let at = 0; at < end; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(READ_BYTES, end - at), at);
      if (bytesRead === 0) break;
      onChunk(buf.subarray(0, bytesRead));
      at += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/** Where `offset` is in the file at `path`; `delimiter` must be a single ASCII character. */
export async function locateByte(path: string, offset: number, delimiter: string): Promise<BytePosition> {
  const delimiterByte = delimiter.charCodeAt(0);
  let line = 1;
  let column = 1;
  await readPrefix(path, offset, (chunk) => {
    let lastLf = -1;
    for (let k = chunk.indexOf(LF); k !== -1; k = chunk.indexOf(LF, k + 1)) {
      line++;
      lastLf = k;
    }
    if (lastLf !== -1) column = 1;
    for (let k = chunk.indexOf(delimiterByte, lastLf + 1); k !== -1; k = chunk.indexOf(delimiterByte, k + 1)) column++;
  });
  return { line, column };
}

/** Physical lines before `end`: the number of LF bytes in the file's first `end` bytes. */
export async function countLineFeeds(path: string, end: number, onBytes?: (chunk: Buffer) => void): Promise<number> {
  let lines = 0;
  await readPrefix(path, end, (chunk) => {
    onBytes?.(chunk);
    for (let k = chunk.indexOf(LF); k !== -1; k = chunk.indexOf(LF, k + 1)) lines++;
  });
  return lines;
}
