// What a CSV export writes for NULL. By default the empty cell; with `?nulls=marker`, each
// column's original missing-value marker as its latest successful import recorded it
// (provenance `columns_json`, `nullMarker`: the form the review saw most often in that column,
// "" when that was the empty cell). A column with several markers ("NA" and "-") gets its most
// frequent one: the export cannot know which NULL came from which. Columns no import described
// (added by the API, or a table never imported) keep the empty cell. JSON keeps null.
import type { Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import type { TableInfo } from './catalog.js';

export type NullsMode = 'empty' | 'marker';

export function parseNullsMode(v: unknown): NullsMode {
  if (v === undefined || v === '' || v === 'empty') return 'empty';
  if (v === 'marker') return 'marker';
  throw new BerthError('BAD_REQUEST', 'nulls must be "empty" (default) or "marker"', { nulls: String(v) });
}

interface RecordedColumn {
  name?: unknown;
  nullMarker?: unknown;
}

/** Per column of `table`, in order, the text to write for NULL. */
export function nullTextFor(db: Db, table: TableInfo, mode: NullsMode): string[] {
  const empty = table.columns.map(() => '');
  if (mode === 'empty') return empty;
  const hasImports = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_berth_imports'").get();
  if (!hasImports) return empty;
  const json = db
    .prepare("SELECT columns_json FROM _berth_imports WHERE table_name = ? AND status = 'succeeded' ORDER BY seq DESC LIMIT 1")
    .pluck()
    .get(table.name) as string | undefined;
  if (json === undefined) return empty;
  const recorded = JSON.parse(json) as RecordedColumn[];
  const byName = new Map(recorded.map((c) => [String(c.name).toLowerCase(), typeof c.nullMarker === 'string' ? c.nullMarker : '']));
  return table.columns.map((c) => byName.get(c.name.toLowerCase()) ?? '');
}
