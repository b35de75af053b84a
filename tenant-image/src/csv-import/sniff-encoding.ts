// Guesses a file's encoding from its first bytes: a byte-order mark decides; otherwise a
// NUL-every-other-byte pattern means BOM-less UTF-16; otherwise UTF-8 if the bytes are valid
// UTF-8, else Windows-1252 (every byte is valid there, so it is the safe fallback).
import { isUtf8 } from 'node:buffer';
import { completeUtf8Length } from './decode-text.js';
import type { Encoding } from './import-plan.js';

export const SNIFF_BYTES = 64 * 1024;

export interface SniffedEncoding {
  encoding: Encoding;
  hasBom: boolean;
}

export function sniffEncoding(head: Buffer): SniffedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', hasBom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', hasBom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', hasBom: true };
  const utf16 = sniffBomlessUtf16(head);
  if (utf16) return { encoding: utf16, hasBom: false };
  const sample = head.subarray(0, completeUtf8Length(head));
  return { encoding: isUtf8(sample) ? 'utf-8' : 'windows-1252', hasBom: false };
}

function sniffBomlessUtf16(head: Buffer): Encoding | null {
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  // Mostly-ASCII text in UTF-16 has a zero in the high byte of nearly every code unit.
  if (oddZeros > pairs * 0.7 && evenZeros < pairs * 0.1) return 'utf-16le';
  if (evenZeros > pairs * 0.7 && oddZeros < pairs * 0.1) return 'utf-16be';
  return null;
}
