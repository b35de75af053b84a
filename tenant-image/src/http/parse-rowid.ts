// A row id from a URL path (/tables/:t/rows/:rowid): an integer, or a 400 naming what was given.
import { BerthError } from '../errors.js';

export function parseRowid(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new BerthError('BAD_REQUEST', 'row ids are integers', { rowid: s });
  return n;
}
