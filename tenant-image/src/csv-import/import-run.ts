// The state one import carries through its phases (import-csv.ts): made by prepareImport, then
// read and advanced by streaming, joining the second half and publishing. One object handed
// from phase to phase, instead of one long function whose closures every thread hangs off.
import type Database from 'better-sqlite3';
import type { ImportContext } from './import-context.js';
import type { BatchTransaction } from './immediate-transaction.js';
import type { ColumnPlan, ImportLimits, ImportPlan } from './import-plan.js';
import type { SecondHalfHandle } from './second-half-run.js';

export interface ImportRun {
  readonly db: Database.Database;
  readonly plan: ImportPlan;
  readonly ctx: ImportContext;
  readonly limits: ImportLimits;
  readonly importId: string;
  /** `_berth_import_<id>`: the rows land here and become the table's only at publish. */
  readonly staging: string;
  readonly startedAt: string;
  /** The plan's column types are placeholders, detected while streaming (ImportContext.detectTypes). */
  readonly detecting: boolean;
  /** The columns staged: the plan's (in the table's types for append), or the detected ones. */
  columns: ColumnPlan[];
  /** This thread's open batch of inserts (short BEGIN IMMEDIATE transactions). */
  readonly tx: BatchTransaction;
  readonly clock: PhaseClock;
  /** Bytes of the file read so far; recorded with a failure. */
  bytes: number;
  /** The second half of a split import, once started; stopped whatever the outcome. */
  second: SecondHalfHandle | null;
  /** Rows the second half has parsed so far, for progress. */
  secondRows: number;
}

/** Milliseconds per phase, for ImportResult.phasesMs: each end() closes the phase that ran since the last one. */
export class PhaseClock {
  readonly ms: Record<string, number> = {};
  private start = performance.now();

  end(name: string): void {
    const now = performance.now();
    this.ms[name] = Math.round((this.ms[name] ?? 0) + now - this.start);
    this.start = now;
  }
}
