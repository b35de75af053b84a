// What each column type accepts, and how a cell becomes a stored value. Conservative on purpose:
// anything that would not round-trip (leading zeros, more than 15 digits, exponents, "+1", ".5")
// stays text. Empty cells are NULL in every type.
import type { ColumnType } from './import-plan.js';

/** Returned by convertCell when the text does not fit the type. */
export const MISMATCH: unique symbol = Symbol('mismatch');

const MAX_DIGITS = 15;
// Only the time part; the date part is checked by hand in isDatePrefix.
const TIME_RE = /^.{11}(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/s;

/** The integer a cell holds, or MISMATCH. A hand loop: this runs for every cell of a 1M-row import. */
export function parseIntegerCell(s: string): number | typeof MISMATCH {
  const n = s.length;
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  const digits = n - i;
  if (digits < 1 || digits > MAX_DIGITS) return MISMATCH;
  if (digits > 1 && s.charCodeAt(i) === 48) return MISMATCH;
  let value = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return MISMATCH;
    value = value * 10 + d;
  }
  if (negative) {
    if (value === 0) return MISMATCH; // "-0" would come back as "0"
    value = -value;
  }
  return value;
}

export function parseRealCell(s: string): number | typeof MISMATCH {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && s.charCodeAt(intStart) === 48)) return MISMATCH;
  let digits = intDigits;
  if (i < n) {
    if (s.charCodeAt(i) !== 46) return MISMATCH;
    const fracStart = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === fracStart || i < n) return MISMATCH;
    digits += i - fracStart;
  }
  if (digits > MAX_DIGITS) return MISMATCH;
  const value = Number(s);
  // "-0" and "-0.0" would come back without their sign.
  return value === 0 && intStart === 1 ? MISMATCH : value;
}

/** YYYY-MM-DD, a real calendar day. Hand-checked: it runs for every date cell of an import. */
export function isDateCell(s: string): boolean {
  return s.length === 10 && isDatePrefix(s);
}

/** YYYY-MM-DD, then T or space, HH:MM, optional :SS and fraction, optional Z or ±HH:MM. */
export function isDateTimeCell(s: string): boolean {
  if (s.length < 16 || !isDatePrefix(s)) return false;
  const sep = s.charCodeAt(10);
  return (sep === 84 || sep === 32) && TIME_RE.test(s);
}

function isDatePrefix(s: string): boolean {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digitsAt(s, 0, 4);
  const m = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  if (d <= 28) return true;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= DAYS_IN_MONTH[m - 1]! + (m === 2 && leap ? 1 : 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `len` digits at `at`, or -1. */
function digitsAt(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The value to store for a cell in a column of `type`: null for empty, MISMATCH if it does not fit. */
export function convertCell(type: ColumnType, s: string): string | number | null | typeof MISMATCH {
  if (s.length === 0) return null;
  switch (type) {
    case 'text':
      return s;
    case 'integer':
      return parseIntegerCell(s);
    case 'real':
      return parseRealCell(s);
    case 'date':
      return isDateCell(s) ? s : MISMATCH;
    case 'datetime':
      return isDateTimeCell(s) ? s : MISMATCH;
  }
}

const SQL_TYPES: Record<ColumnType, string> = {
  integer: 'INTEGER',
  real: 'REAL',
  // DATE/DATETIME have NUMERIC affinity, which leaves ISO text as text; the declared name lets
  // append mode and the browser recover the column's logical type.
  date: 'DATE',
  datetime: 'DATETIME',
  text: 'TEXT',
};

export function sqlTypeFor(type: ColumnType): string {
  return SQL_TYPES[type];
}

/** The logical type of a column declared by anyone (berth or not), by SQLite's affinity rules. */
export function columnTypeFromSql(declared: string): ColumnType {
  const t = declared.toUpperCase();
  if (t === 'DATE') return 'date';
  if (t === 'DATETIME' || t === 'TIMESTAMP') return 'datetime';
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT') || t === '') return 'text';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  return 'text';
}
