// Column type detection over a sample of rows: each column starts able to be any type and loses
// a type at the first non-empty value that does not fit it. Empty cells decide nothing.
import { isDateCell, isDateTimeCell, MISMATCH, parseIntegerCell, parseRealCell } from './cell-types.js';
import type { ColumnType } from './import-plan.js';

const INTEGER = 1;
const REAL = 2;
const DATE = 4;
const DATETIME = 8;
const ALL = INTEGER | REAL | DATE | DATETIME;

export class TypeDetector {
  private readonly masks: number[];
  private readonly seen: boolean[];
  readonly emptyCounts: number[];

  constructor(columnCount: number) {
    this.masks = new Array<number>(columnCount).fill(ALL);
    this.seen = new Array<boolean>(columnCount).fill(false);
    this.emptyCounts = new Array<number>(columnCount).fill(0);
  }

  observe(fields: readonly string[], count: number): void {
    for (let i = 0; i < count; i++) {
      const s = fields[i]!;
      if (s.length === 0) {
        this.emptyCounts[i]!++;
        continue;
      }
      this.seen[i] = true;
      let mask = this.masks[i]!;
      if (mask === 0) continue;
      if (mask & INTEGER && parseIntegerCell(s) === MISMATCH) mask &= ~INTEGER;
      if (mask & REAL && parseRealCell(s) === MISMATCH) mask &= ~REAL;
      if (mask & DATE && !isDateCell(s)) mask &= ~DATE;
      if (mask & DATETIME && !isDateTimeCell(s)) mask &= ~DATETIME;
      this.masks[i] = mask;
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
}

/** Table-test helper and the simplest use: the type a list of cells would get. */
export function detectColumnType(cells: readonly string[]): ColumnType {
  const detector = new TypeDetector(1);
  for (const cell of cells) detector.observe([cell], 1);
  return detector.types()[0]!;
}
