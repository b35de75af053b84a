// Checks of the table an import writes to, against its mode: before anything is staged, again
// once detected types are known, and inside the publishing transaction (the other copy of the
// app may have created or changed the table meanwhile).
import type Database from 'better-sqlite3';
import { ImportError } from './import-errors.js';
import type { ColumnPlan, ImportPlan } from './import-plan.js';
import { alignToTable, diffAppendColumns, readTableColumns, tableExists, type TableColumn } from './table-columns.js';

/** The checks of resolveColumns that do not need the column types; the plan's columns. */
export function checkTarget(db: Database.Database, plan: ImportPlan): ColumnPlan[] {
  if (plan.mode === 'create' && tableExists(db, plan.table)) throw tableExistsError(plan.table);
  if (plan.mode === 'append' && !tableExists(db, plan.table)) throw tableNotFoundError(plan.table);
  return plan.columns;
}

/** The columns to create: the plan's, or for append the table's types in the file's order. */
export function resolveColumns(db: Database.Database, plan: ImportPlan): ColumnPlan[] {
  if (plan.mode === 'create' && tableExists(db, plan.table)) throw tableExistsError(plan.table);
  if (plan.mode !== 'append') return plan.columns;
  return alignToTable(plan.columns, checkAppendable(db, plan));
}

export function checkAppendable(db: Database.Database, plan: ImportPlan): TableColumn[] {
  const existing = readTableColumns(db, plan.table);
  if (!existing) throw tableNotFoundError(plan.table);
  const differences = diffAppendColumns(plan.columns, existing);
  if (differences.length > 0) {
    throw new ImportError('CSV_APPEND_INCOMPATIBLE', `The file cannot be appended to "${plan.table}": ${differences.join('; ')}.`, {
      details: { differences },
    });
  }
  return existing;
}

export function checkHeaderMatchesPlan(headers: string[], planned: readonly ColumnPlan[]): void {
  const changed = headers.length !== planned.length || headers.some((h, i) => h !== planned[i]!.header);
  if (changed) {
    throw new ImportError('CSV_HEADER_CHANGED', "The file's header row does not match the reviewed columns; preview the file again.", {
      line: 1,
      details: { headers, planned: planned.map((c) => c.header) },
    });
  }
}

export function tableNotFoundError(table: string): ImportError {
  return new ImportError('CSV_TABLE_NOT_FOUND', `There is no table "${table}" to append to. Choose create instead.`);
}

export function tableExistsError(table: string): ImportError {
  return new ImportError('CSV_TABLE_EXISTS', `A table named "${table}" already exists. Choose another name, or append or replace.`);
}
