// Validates each data row against the column types and inserts it, in multi-row INSERTs. The
// import worker fills the staging table with it; the second half of a split import fills its
// scratch files with the same code, so both halves accept and refuse exactly the same values.
import type Database from 'better-sqlite3';
import { MISMATCH, parseIntegerCell, parseRealCell, isDateCell, isDateTimeCell } from './cell-types.js';
import type { ColumnPlan, ColumnType } from './import-plan.js';
import { raggedRowError, tooManyRowsError, typeMismatchError } from './row-checks.js';
import { insertRowsSql, rowsPerStatement } from './staging.js';

const TYPE_CODE = { text: 0, integer: 1, real: 2, date: 3, datetime: 4 } as const;

export class RowInserter {
  /** Rows accepted so far (inserted or buffered). */
  rows = 0;
  private readonly ncols: number;
  private readonly perStatement: number;
  private readonly typeCodes: Uint8Array;
  /** Per column, its missing-value markers (undefined: none), stored as NULL. */
  private readonly nullSets: (ReadonlySet<string> | undefined)[];
  /**
   * 1 where a marker must be looked up before converting: text columns, and typed columns with
   * a marker that fits the type (a sentinel like "-999"). Elsewhere a marker fits no type, so it
   * is looked up only when a cell does not convert: clean cells pay nothing.
   */
  private readonly nullsFirst: Uint8Array;
  /** One statement's worth of values, reused for every statement. */
  private readonly values: (string | number | null)[];
  private buffered = 0;
  private insertMany!: Database.Statement;
  private insertOne!: Database.Statement;

  constructor(
    private db: Database.Database,
    table: string,
    private readonly columns: readonly ColumnPlan[],
    private readonly appending: boolean,
    /** Runs before each write, to open the caller's transaction. */
    private readonly beforeWrite: () => void,
    /** Rows allowed in all (0 = no limit); counting starts at `rows`. */
    private readonly maxRows = 0,
  ) {
    this.ncols = columns.length;
    this.perStatement = rowsPerStatement(this.ncols);
    this.typeCodes = Uint8Array.from(columns, (c) => TYPE_CODE[c.type]);
    this.nullSets = columns.map((c) => (c.nulls && c.nulls.length > 0 ? new Set(c.nulls) : undefined));
    this.nullsFirst = Uint8Array.from(columns, (c) => Number(c.nulls !== undefined && c.nulls.some((m) => c.type === 'text' || fitsType(c.type, m))));
    this.values = new Array<string | number | null>(this.perStatement * this.ncols).fill(null);
    this.retarget(table);
  }

  /** Inserts into `table` (of `db`, when given) from now on, same columns; call flush() first. */
  retarget(table: string, db?: Database.Database): void {
    if (db) this.db = db;
    this.insertMany = this.db.prepare(insertRowsSql(table, this.ncols, this.perStatement));
    this.insertOne = this.db.prepare(insertRowsSql(table, this.ncols, 1));
  }

  /** Checks a data row (field count, every value's type) and stores it; throws the row's ImportError. */
  add(fields: readonly string[], count: number, line: number): void {
    const ncols = this.ncols;
    if (count !== ncols) throw raggedRowError(line, ncols, count);
    const values = this.values;
    const typeCodes = this.typeCodes;
    const nullSets = this.nullSets;
    const nullsFirst = this.nullsFirst;
    const base = this.buffered * ncols;
    for (let i = 0; i < ncols; i++) {
      const s = fields[i]!;
      let v: string | number | null | typeof MISMATCH;
      if (s.length === 0 || (nullsFirst[i] === 1 && nullSets[i]!.has(s))) v = null;
      else {
        switch (typeCodes[i]) {
          case 0:
            v = s;
            break;
          case 1:
            v = parseIntegerCell(s);
            break;
          case 2:
            v = parseRealCell(s);
            break;
          case 3:
            v = isDateCell(s) ? s : MISMATCH;
            break;
          default:
            v = isDateTimeCell(s) ? s : MISMATCH;
        }
        if (v === MISMATCH && nullSets[i]?.has(s)) v = null;
        else if (v === MISMATCH) {
          const column = this.columns[i]!;
          throw typeMismatchError(line, i + 1, column.name, column.type, s, this.appending);
        }
      }
      values[base + i] = v;
    }
    if (this.maxRows > 0 && this.rows >= this.maxRows) throw tooManyRowsError(line, this.maxRows);
    this.rows++;
    if (++this.buffered === this.perStatement) {
      this.beforeWrite();
      this.insertMany.run(values);
      this.buffered = 0;
    }
  }

  /** Inserts the rows still buffered (fewer than one multi-row statement). */
  flush(): void {
    if (this.buffered === 0) return;
    this.beforeWrite();
    const ncols = this.ncols;
    for (let r = 0; r < this.buffered; r++) this.insertOne.run(this.values.slice(r * ncols, (r + 1) * ncols));
    this.buffered = 0;
  }
}

function fitsType(type: ColumnType, s: string): boolean {
  switch (type) {
    case 'text':
      return true;
    case 'integer':
      return parseIntegerCell(s) !== MISMATCH;
    case 'real':
      return parseRealCell(s) !== MISMATCH;
    case 'date':
      return isDateCell(s);
    case 'datetime':
      return isDateTimeCell(s);
  }
}
