// Validates each data row against the column types and inserts it, in multi-row INSERTs. The
// import worker fills the staging table with it; the helper thread of a split import fills its
// scratch tables with the same code, so both halves accept and refuse exactly the same values.
import type Database from 'better-sqlite3';
import { MISMATCH, parseIntegerCell, parseRealCell, isDateCell, isDateTimeCell } from './cell-types.js';
import type { ColumnPlan } from './import-plan.js';
import { raggedRowError, tooManyRowsError, typeMismatchError } from './row-checks.js';
import { insertRowsSql, rowsPerStatement } from './staging.js';

const TYPE_CODE = { text: 0, integer: 1, real: 2, date: 3, datetime: 4 } as const;

export class RowInserter {
  /** Rows accepted so far (inserted or buffered). */
  rows = 0;
  private readonly ncols: number;
  private readonly perStatement: number;
  private readonly typeCodes: Uint8Array;
  /** One statement's worth of values, reused for every statement. */
  private readonly values: (string | number | null)[];
  private buffered = 0;
  private insertMany!: Database.Statement;
  private insertOne!: Database.Statement;

  constructor(
    private readonly db: Database.Database,
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
    this.values = new Array<string | number | null>(this.perStatement * this.ncols).fill(null);
    this.retarget(table);
  }

  /** Inserts into `table` from now on (same columns); call flush() first. */
  retarget(table: string): void {
    this.insertMany = this.db.prepare(insertRowsSql(table, this.ncols, this.perStatement));
    this.insertOne = this.db.prepare(insertRowsSql(table, this.ncols, 1));
  }

  /** Checks a data row (field count, every value's type) and stores it; throws the row's ImportError. */
  add(fields: readonly string[], count: number, line: number): void {
    const ncols = this.ncols;
    if (count !== ncols) throw raggedRowError(line, ncols, count);
    const values = this.values;
    const typeCodes = this.typeCodes;
    const base = this.buffered * ncols;
    for (let i = 0; i < ncols; i++) {
      const s = fields[i]!;
      let v: string | number | null | typeof MISMATCH;
      if (s.length === 0) v = null;
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
        if (v === MISMATCH) {
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
