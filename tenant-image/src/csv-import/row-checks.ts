// The per-row rules shared by preview and import, and the errors they raise.
import { ImportError } from './import-errors.js';
import type { ColumnType, Encoding, ImportLimits } from './import-plan.js';

/** SQLite's default SQLITE_MAX_COLUMN; better-sqlite3 is built with it. */
export const SQLITE_MAX_COLUMNS = 2000;

/** Validates the header record and returns a copy of it. */
export function checkHeader(fields: readonly string[], count: number, limits: ImportLimits): string[] {
  const max = limits.maxColumns > 0 ? Math.min(limits.maxColumns, SQLITE_MAX_COLUMNS) : SQLITE_MAX_COLUMNS;
  if (count > max) {
    throw new ImportError('CSV_TOO_MANY_COLUMNS', `The header on line 1 has ${count > max + 1 ? 'more than ' : ''}${count} columns; the limit is ${max}.`, {
      line: 1,
      column: max + 1,
      details: { limit: max },
    });
  }
  return fields.slice(0, count);
}

export function raggedRowError(line: number, expected: number, got: number): ImportError {
  return new ImportError(
    'CSV_RAGGED_ROW',
    `Line ${line} has ${got} field${got === 1 ? '' : 's'} but the header has ${expected}. Check for a missing or extra delimiter, or an unquoted delimiter inside a value.`,
    { line, column: Math.min(got, expected) + 1, details: { expected, got } },
  );
}

const TYPE_WORDS: Record<ColumnType, string> = {
  integer: 'a whole number (no leading zeros, at most 9007199254740991 either way)',
  real: 'a decimal number like 12.5 or 1.5e-3 that a double holds exactly',
  date: 'a date like 2024-01-31',
  datetime: 'a date and time like 2024-01-31T14:05:00',
  text: 'text',
};

export function typeMismatchError(line: number, column: number, columnName: string, type: ColumnType, value: string, appending: boolean): ImportError {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  const fix = appending
    ? `The table's column is ${type}; fix the value in the file, or import it into a new table.`
    : `Change the column type to text, add the value to the column's missing-value markers if it means "no value", or fix it, and import again.`;
  return new ImportError(
    'CSV_TYPE_MISMATCH',
    `Line ${line}, column ${column} (${columnName}): ${JSON.stringify(shown)} is not ${TYPE_WORDS[type]}. ${fix}`,
    { line, column, details: { column: columnName, type, value: shown } },
  );
}

export function tooManyRowsError(line: number, limit: number): ImportError {
  return new ImportError('CSV_TOO_MANY_ROWS', `The file has more than ${limit} rows, the configured limit (reached at line ${line}).`, {
    line,
    details: { limit },
  });
}

export function nulByteError(line: number, column: number): ImportError {
  return new ImportError('CSV_NUL_BYTE', `Line ${line}, column ${column} contains a NUL byte; the file is probably not a text CSV file.`, { line, column });
}

export function invalidEncodingError(line: number, column: number, encoding: Encoding): ImportError {
  return new ImportError(
    'CSV_INVALID_ENCODING',
    `Line ${line}, column ${column} is not valid ${encoding.toUpperCase()}. If the file comes from Excel or another Windows program, choose the Windows-1252 encoding.`,
    { line, column, details: { encoding } },
  );
}
