// Header row → column plan names: unique, non-empty, safe; the original header kept for display.
import { toColumnName } from '../sql/identifier.js';

export function nameColumns(headers: readonly string[]): string[] {
  const taken = new Set<string>();
  return headers.map((h) => toColumnName(h, taken));
}

/** A table name suggested from an uploaded file's name ("Sales 2024.csv" → "sales_2024"). */
export function suggestTableName(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt)$/i, '');
  return /[\p{L}\p{N}]/u.test(base) ? toColumnName(base, new Set()) : 'imported';
}
