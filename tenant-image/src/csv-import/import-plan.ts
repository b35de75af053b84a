// What the user reviews and confirms: how to read the file and what table to make of it.
import { isReservedName } from '../sql/identifier.js';
import { ImportError } from './import-errors.js';
import { checkMarkers } from './missing-values.js';

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export const COLUMN_TYPES = ['integer', 'real', 'date', 'datetime', 'text'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const IMPORT_MODES = ['create', 'append', 'replace'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export interface ColumnPlan {
  /** SQL column name (see toColumnName). */
  name: string;
  /** The header as written in the file, kept for display. */
  header: string;
  type: ColumnType;
  /**
   * Cells stored as NULL besides the empty cell (which always is): missing-value markers such
   * as "NA" (missing-values.ts). Detection proposes them for typed columns; absent = none.
   */
  nulls?: string[];
  /**
   * What an export writes for this column's NULLs when asked for the original markers: the form
   * the review saw most often ("" for the empty cell). Recorded in provenance with `nulls`.
   */
  nullMarker?: string;
}

export interface ImportPlan {
  table: string;
  mode: ImportMode;
  encoding: Encoding;
  delimiter: Delimiter;
  columns: ColumnPlan[];
}

/** Limits come from the app's config; every one is checked while streaming. 0 = no limit. */
export interface ImportLimits {
  maxFileBytes: number;
  maxColumns: number;
  maxFieldBytes: number;
  maxRows: number;
}

export const DEFAULT_LIMITS: ImportLimits = Object.freeze({
  maxFileBytes: 2 * 1024 ** 3,
  maxColumns: 1000,
  maxFieldBytes: 1024 ** 2,
  maxRows: 0,
});

export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

export const MAX_TABLE_NAME_CHARS = 60;

/** Checks the parts of a plan a user can edit; throws CSV_INVALID_PLAN listing every problem. */
export function validatePlan(plan: ImportPlan): void {
  const problems: string[] = [];
  if (!IMPORT_MODES.includes(plan.mode)) problems.push(`unknown mode "${plan.mode}"`);
  if (!ENCODINGS.includes(plan.encoding)) problems.push(`unknown encoding "${plan.encoding}"`);
  if (!DELIMITERS.includes(plan.delimiter)) problems.push(`unsupported delimiter ${JSON.stringify(plan.delimiter)}`);
  problems.push(...checkName('table name', plan.table));
  if (plan.columns.length === 0) problems.push('no columns');
  const seen = new Set<string>();
  for (const [i, col] of plan.columns.entries()) {
    problems.push(...checkName(`column ${i + 1} name`, col.name));
    if (!COLUMN_TYPES.includes(col.type)) problems.push(`column ${i + 1} has unknown type "${col.type}"`);
    problems.push(...checkMarkers(`column ${i + 1}`, col.nulls));
    if (col.nullMarker !== undefined && (typeof col.nullMarker !== 'string' || (col.nullMarker !== '' && !col.nulls?.includes(col.nullMarker)))) {
      problems.push(`column ${i + 1}'s export marker must be "" or one of its missing-value markers`);
    }
    const key = col.name.toLowerCase();
    if (seen.has(key)) problems.push(`column name "${col.name}" is used twice`);
    seen.add(key);
  }
  if (problems.length > 0) {
    throw new ImportError('CSV_INVALID_PLAN', `The import plan is not acceptable: ${problems.join('; ')}.`, {
      details: { problems },
    });
  }
}

function checkName(what: string, name: string): string[] {
  if (typeof name !== 'string' || name.trim() === '') return [`${what} is empty`];
  if (name !== name.trim()) return [`${what} "${name}" has leading or trailing spaces`];
  if (Array.from(name).length > MAX_TABLE_NAME_CHARS) return [`${what} is longer than ${MAX_TABLE_NAME_CHARS} characters`];
  if (/[\u0000-\u001f\u007f]/.test(name)) return [`${what} contains control characters`];
  if (isReservedName(name)) return [`${what} "${name}" is reserved`];
  return [];
}
