// Missing-value markers: the spellings R, pandas, spreadsheets and databases write for "no value".
// A column's markers are stored as NULL only when the column's other values all fit a type
// (detect-types.ts proposes them); the user may change the list per column on the review page.
// The empty cell is always NULL, whatever the column's type and markers.

/** Recognised by detection. Case matters: "na" or "Null" in a column are values, not markers. */
export const DEFAULT_MARKERS: readonly string[] = Object.freeze(['NA', 'N/A', 'NULL', 'null', 'NaN', 'nan', '-']);

const DEFAULT_SET: ReadonlySet<string> = new Set(DEFAULT_MARKERS);

/** Limits on a user-edited list (kept small: they are carried in the form and in provenance). */
export const MAX_MARKERS_PER_COLUMN = 20;
export const MAX_MARKER_CHARS = 40;

export function isDefaultMarker(s: string): boolean {
  // Every default marker is 1-4 characters: a length test first keeps this cheap on long values.
  return s.length <= 4 && DEFAULT_SET.has(s);
}

/** Problems with a column's marker list, as phrases naming the column (empty when fine). */
export function checkMarkers(what: string, nulls: unknown): string[] {
  if (nulls === undefined) return [];
  if (!Array.isArray(nulls)) return [`${what} missing-value markers must be a list of strings`];
  const problems: string[] = [];
  if (nulls.length > MAX_MARKERS_PER_COLUMN) problems.push(`${what} has more than ${MAX_MARKERS_PER_COLUMN} missing-value markers`);
  for (const m of nulls) {
    if (typeof m !== 'string') problems.push(`${what} has a missing-value marker that is not a string`);
    else if (m.length === 0) problems.push(`${what} lists the empty cell as a marker; it is always stored as NULL`);
    else if (m.length > MAX_MARKER_CHARS) problems.push(`${what} has a missing-value marker longer than ${MAX_MARKER_CHARS} characters`);
    else if (/[\u0000-\u001f\u007f]/.test(m)) problems.push(`${what} has a missing-value marker with control characters`);
  }
  return problems;
}
