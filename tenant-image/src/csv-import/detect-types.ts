// Column type detection over a sample of rows: each column starts able to be any type and loses
// a type at the first value that does not fit it. Empty cells decide nothing, and neither do the
// default missing-value markers ("NA", "-", …; missing-values.ts): they are counted per column and
// proposed as NULLs when the column's other values all fit a type. Of a column that ends as text,
// the detector keeps the first value that left it no other type, and its line, for the review.
import { isDateCell, isDateTimeCell, MISMATCH, parseIntegerCell, parseRealCell } from './cell-types.js';
import type { ColumnType } from './import-plan.js';
import { DEFAULT_MARKERS, isDefaultMarker } from './missing-values.js';

const INTEGER = 1;
const REAL = 2;
const DATE = 4;
const DATETIME = 8;
const ALL = INTEGER | REAL | DATE | DATETIME;

/** The value that made a column text, and the line it is on (1 = the header). */
export interface TextCause {
  value: string;
  line: number;
}

/** What detection proposes for one column. */
export interface DetectedColumn {
  type: ColumnType;
  /** Stored as NULL: the markers seen (most frequent first), then the other default markers; [] for text. */
  nulls: string[];
  /** The most frequent missing form seen, "" for the empty cell (what an export writes back). */
  nullMarker: string;
  /** Markers seen in the sample with their counts, most frequent first ([] for text columns). */
  markerCounts: { marker: string; count: number }[];
  /** For a text column with values, the first value that kept it text. */
  textCause: TextCause | null;
}

export class TypeDetector {
  private readonly masks: number[];
  private readonly seen: boolean[];
  readonly emptyCounts: number[];
  /** Per column, marker → count; created on a column's first marker. */
  private readonly markers: (Map<string, number> | undefined)[];
  private readonly causes: (TextCause | null)[];

  constructor(columnCount: number) {
    this.masks = new Array<number>(columnCount).fill(ALL);
    this.seen = new Array<boolean>(columnCount).fill(false);
    this.emptyCounts = new Array<number>(columnCount).fill(0);
    this.markers = new Array<Map<string, number> | undefined>(columnCount).fill(undefined);
    this.causes = new Array<TextCause | null>(columnCount).fill(null);
  }

  /** `line`: where the record starts in the file, for the text cause. */
  observe(fields: readonly string[], count: number, line = 0): void {
    for (let i = 0; i < count; i++) {
      const s = fields[i]!;
      if (s.length === 0) {
        this.emptyCounts[i]!++;
        continue;
      }
      const before = this.masks[i]!;
      if (before === 0) continue;
      let mask = before;
      if (mask & INTEGER && parseIntegerCell(s) === MISMATCH) mask &= ~INTEGER;
      if (mask & REAL && parseRealCell(s) === MISMATCH) mask &= ~REAL;
      if (mask & DATE && !isDateCell(s)) mask &= ~DATE;
      if (mask & DATETIME && !isDateTimeCell(s)) mask &= ~DATETIME;
      // A marker fits no type, so it is looked up only when a value narrowed the column: clean
      // numeric columns pay nothing for markers.
      if (mask !== before && isDefaultMarker(s)) {
        const counts = (this.markers[i] ??= new Map());
        counts.set(s, (counts.get(s) ?? 0) + 1);
        continue;
      }
      this.seen[i] = true;
      this.masks[i] = mask;
      if (mask === 0) this.causes[i] = { value: s, line };
    }
  }

  types(): ColumnType[] {
    return this.masks.map((mask, i) => {
      if (!this.seen[i]) return 'text';
      if (mask & INTEGER) return 'integer';
      if (mask & REAL) return 'real';
      if (mask & DATE) return 'date';
      if (mask & DATETIME) return 'datetime';
      return 'text';
    });
  }

  columns(): DetectedColumn[] {
    return this.types().map((type, i) => {
      if (type === 'text') {
        // Markers are ordinary values of a text column ("NA" is also Namibia's country code).
        const cause = this.seen[i] ? this.causes[i]! : null;
        return { type, nulls: [], nullMarker: '', markerCounts: [], textCause: cause };
      }
      const markerCounts = [...(this.markers[i] ?? new Map<string, number>())]
        .map(([marker, count]) => ({ marker, count }))
        .sort((a, b) => b.count - a.count || DEFAULT_MARKERS.indexOf(a.marker) - DEFAULT_MARKERS.indexOf(b.marker));
      const seenMarkers = markerCounts.map((m) => m.marker);
      const nulls = [...seenMarkers, ...DEFAULT_MARKERS.filter((m) => !seenMarkers.includes(m))];
      const top = markerCounts[0];
      const nullMarker = top !== undefined && top.count > this.emptyCounts[i]! ? top.marker : '';
      return { type, nulls, nullMarker, markerCounts, textCause: null };
    });
  }
}

/** Table-test helper and the simplest use: the type a list of cells would get. */
export function detectColumnType(cells: readonly string[]): ColumnType {
  return detectColumn(cells).type;
}

/** Detection of one column given as its cells (line 2 onwards), for tests and small callers. */
export function detectColumn(cells: readonly string[]): DetectedColumn {
  const detector = new TypeDetector(1);
  cells.forEach((cell, i) => detector.observe([cell], 1, i + 2));
  return detector.columns()[0]!;
}
