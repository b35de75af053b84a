// What each column type accepts, and how a cell becomes a stored value. Conservative on purpose:
// anything that would not round-trip (leading zeros, more than 15 digits, exponents, "+1", ".5")
// stays text. Empty cells are NULL in every type.
import type { ColumnType } from './import-plan.js';

/** Returned by convertCell when the text does not fit the type. */
export const MISMATCH: unique symbol = Symbol('mismatch');

const MAX_DIGITS = 15;
const REAL_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/;

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
  if (!REAL_RE.test(s)) return MISMATCH;
  let digits = s.length;
  if (s.charCodeAt(0) === 45) digits--;
  if (s.includes('.')) digits--;
  if (digits > MAX_DIGITS) return MISMATCH;
  return Number(s);
}

export function isDateCell(s: string): boolean {
  const m = DATE_RE.exec(s);
  return m !== null && isCalendarDate(m[1]!, m[2]!, m[3]!);
}

export function isDateTimeCell(s: string): boolean {
  const m = DATETIME_RE.exec(s);
  return m !== null && isCalendarDate(m[1]!, m[2]!, m[3]!);
}

function isCalendarDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
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
