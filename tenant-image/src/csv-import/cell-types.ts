// What each column type accepts, and how a cell becomes a stored value. Exact on purpose: a
// number is stored only when the stored value gives back the text's number, digit for digit.
//   - integer: no sign but "-", no leading zeros, at most ±(2^53 - 1) (what a JS number holds exactly).
//   - real: a decimal ("12.5", "-0.25", "1.50") or an exponent form ("1e5", "6.02E23") that a double
//     holds exactly: written back with as many significant digits as the text has, the double gives
//     the same digits and the same decimal exponent (trailing zeros count as digits, so "1.50" fits:
//     1.5 written with 3 digits is 1.50; exponent case, "+" and leading zeros of the exponent are
//     spelling, not digits). So the 17-digit "48.053808600000004" pandas writes is a real, and
//     "0.1000000000000000001" is not (the double nearest it is 0.1000000000000000055…).
//   - text: everything else, e.g. "007", "+1", ".5", "1.", "-0", "12345678901234567890".
// Empty cells are NULL in every type; a column's missing-value markers are handled by the caller.
import type { ColumnType } from './import-plan.js';

/** Returned by convertCell when the text does not fit the type. */
export const MISMATCH: unique symbol = Symbol('mismatch');

/** Any decimal of at most 15 significant digits round-trips through a double (DBL_DIG). */
const EXACT_DIGITS = 15;
const MAX_INTEGER_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits.
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
  if (digits < 1 || digits > MAX_INTEGER_DIGITS) return MISMATCH;
  if (digits > 1 && s.charCodeAt(i) === 48) return MISMATCH;
  let value = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return MISMATCH;
    value = value * 10 + d;
  }
  // Past 2^53 the sum above is no longer exact, but it stays above the bound, so this test is.
  if (value > Number.MAX_SAFE_INTEGER) return MISMATCH;
  if (negative) {
    if (value === 0) return MISMATCH; // "-0" would come back as "0"
    value = -value;
  }
  return value;
}

/** The real a cell holds exactly (see the top of this file), or MISMATCH. */
export function parseRealCell(s: string): number | typeof MISMATCH {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && s.charCodeAt(intStart) === 48)) return MISMATCH;
  let digits = intDigits;
  let plain = true;
  if (i < n && s.charCodeAt(i) === 46) {
    const fracStart = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === fracStart) return MISMATCH;
    digits += i - fracStart;
    plain = false;
  }
  let exponentAt = -1;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 101 && c !== 69) return MISMATCH; // e, E
    exponentAt = i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const expStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === expStart || i < n) return MISMATCH;
    plain = false;
  }
  const value = Number(s);
  // "-0" and "-0.0" would come back without their sign.
  if (value === 0 && intStart === 1) return MISMATCH;
  // The common case costs no formatting: few digits and no exponent always round-trip.
  if (exponentAt < 0 && digits <= EXACT_DIGITS) return value;
  // An integer written without a fraction is a real only where it is also exact as an integer.
  if (plain) return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? value : MISMATCH;
  return roundTrips(s, intStart, exponentAt, value) ? value : MISMATCH;
}

/**
 * Whether `value`, written with as many significant digits as the text's mantissa has, gives the
 * same digits and decimal exponent. toExponential rounds the double's exact binary value
 * correctly, so this is "double → text → same text" up to the exponent's spelling.
 */
function roundTrips(s: string, start: number, exponentAt: number, value: number): boolean {
  const end = exponentAt < 0 ? s.length : exponentAt;
  const dot = s.indexOf('.', start);
  const intLen = (dot < 0 || dot > end ? end : dot) - start;
  const all = dot < 0 || dot > end ? s.slice(start, end) : s.slice(start, dot) + s.slice(dot + 1, end);
  let lead = 0;
  while (lead < all.length && all.charCodeAt(lead) === 48) lead++;
  // Zero: a real as a plain decimal ("0.000…"); with an exponent there is no digit to compare.
  if (lead === all.length) return exponentAt < 0;
  const sig = all.slice(lead);
  if (sig.length > 101 || !Number.isFinite(value)) return false; // toExponential takes 0-100 fraction digits
  const exponent = intLen - 1 - lead + (exponentAt < 0 ? 0 : Number(s.slice(exponentAt + 1)));
  const back = Math.abs(value).toExponential(sig.length - 1);
  const e = back.indexOf('e');
  return back.charAt(0) + back.slice(2, e) === sig && Number(back.slice(e + 1)) === exponent;
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
