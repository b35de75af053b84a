// The one audited path from user text to SQL: quoteIdent() is the only way a header, column or
// table name typed by a user reaches a statement, and toColumnName() turns a CSV header into a
// column name that is unique, non-empty and pleasant to type on the SQL page.

const MAX_NAME_CHARS = 60;
// rowid aliases would shadow the implicit rowid that pagination and the search index rely on;
// the _berth_ and sqlite_ prefixes belong to the app and to SQLite.
const RESERVED = new Set(['rowid', '_rowid_', 'oid']);

/** Quotes a name as an SQLite identifier. Throws on names SQLite cannot hold safely. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('quoteIdent: empty identifier');
  if (name.includes('\u0000')) throw new Error('quoteIdent: identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Prefixes of tables that are not the user's: the app's own, SQLite's, and Litestream's (it
 * keeps _litestream_seq and _litestream_lock in every database it replicates).
 */
export const INTERNAL_TABLE_PREFIXES = ['_berth', 'sqlite_', '_litestream'] as const;

/** True for a table of the app, SQLite or Litestream: never listed, read or written as user data. */
export function isInternalTable(name: string): boolean {
  const lower = name.toLowerCase();
  return INTERNAL_TABLE_PREFIXES.some((p) => lower.startsWith(p));
}

/** True when a name is reserved for the app, SQLite or Litestream and must not be used for user data. */
export function isReservedName(name: string): boolean {
  return RESERVED.has(name.toLowerCase()) || isInternalTable(name);
}

/**
 * Turns a header into a column name: lower case, letters and digits joined by single
 * underscores, at most 60 characters, never empty, never reserved, and not in `taken`.
 * `taken` holds the lower-cased names already used (SQLite compares identifiers without case);
 * the result is added to it. A blank header becomes column_<n>, n being its position when
 * headers are named in order.
 */
export function toColumnName(header: string, taken: Set<string>): string {
  let base = header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  base = Array.from(base).slice(0, MAX_NAME_CHARS).join('').replace(/_+$/, '');
  if (base === '') base = `column_${taken.size + 1}`;
  if (/^\p{N}/u.test(base)) base = `c_${base}`;
  if (isReservedName(base)) base = `c_${base}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}
