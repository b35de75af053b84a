// What a person types into a cell becomes the value the column's type stores, by the same rules
// as an import (csv-import/cell-types.ts): an edit can never put text into a number column, nor
// a number that would not come back as typed. The empty string and null mean NULL.
import { columnTypeFromSql, isDateCell, isDateTimeCell, MISMATCH, parseIntegerCell, parseRealCell } from '../csv-import/cell-types.js';
import { BerthError } from '../errors.js';
import type { ColumnInfo } from '../tables/catalog.js';

export type StoredValue = string | number | null;

const WORDS = {
  integer: 'a whole number (no leading zeros, at most 9007199254740991 either way)',
  real: 'a number like 12.5 or 1.5e-3 that a double holds exactly',
  date: 'a date like 2024-01-31',
  datetime: 'a date and time like 2024-01-31T14:05:00',
  text: 'text',
} as const;

/** The value to store in `column` for `input` (form text or a JSON value); VALIDATION_FAILED naming the column otherwise. */
export function toStoredValue(column: ColumnInfo, input: unknown): StoredValue {
  if (input === null || input === undefined || input === '') return null;
  const type = columnTypeFromSql(column.declaredType);
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw invalid(column, type, String(input));
    if (type === 'integer' && !Number.isSafeInteger(input)) throw invalid(column, type, String(input));
    if (type === 'integer' || type === 'real') return input;
    if (type === 'text') return String(input);
    throw invalid(column, type, String(input));
  }
  if (typeof input === 'boolean') return toStoredValue(column, input ? 1 : 0);
  if (typeof input !== 'string') throw new BerthError('VALIDATION_FAILED', `column "${column.name}": a value must be a string, number, boolean or null`, { column: column.name });
  let v: StoredValue | typeof MISMATCH;
  switch (type) {
    case 'text':
      return input;
    case 'integer':
      v = parseIntegerCell(input.trim());
      break;
    case 'real':
      v = parseRealCell(input.trim());
      break;
    case 'date':
      v = isDateCell(input.trim()) ? input.trim() : MISMATCH;
      break;
    case 'datetime':
      v = isDateTimeCell(input.trim()) ? input.trim() : MISMATCH;
      break;
  }
  if (v === MISMATCH) throw invalid(column, type, input);
  return v;
}

function invalid(column: ColumnInfo, type: keyof typeof WORDS, value: string): BerthError {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return new BerthError('VALIDATION_FAILED', `column "${column.name}" holds ${WORDS[type]}; ${JSON.stringify(shown)} is not one (leave it empty for no value)`, {
    column: column.name,
    type,
    value: shown,
  });
}
