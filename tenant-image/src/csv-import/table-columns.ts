// Reading an existing table's shape, and deciding whether a file may be appended to it.
import type Database from 'better-sqlite3';
import { columnTypeFromSql } from './cell-types.js';
import type { ColumnPlan, ColumnType } from './import-plan.js';

export interface TableColumn {
  name: string;
  type: ColumnType;
}

/** The table's columns in order, or null when there is no such table. */
export function readTableColumns(db: Database.Database, table: string): TableColumn[] | null {
  // pragma_table_info takes the name as a bound value, so no quoting is involved.
  const rows = db.prepare('SELECT name, type FROM pragma_table_info(?)').all(table) as { name: string; type: string }[];
  if (rows.length === 0) return null;
  return rows.map((r) => ({ name: r.name, type: columnTypeFromSql(r.type) }));
}

export function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE").get(table) !== undefined;
}

/** Whether every value valid for `fileType` is stored faithfully in a column of `tableType`. */
function fits(fileType: ColumnType, tableType: ColumnType): boolean {
  return fileType === tableType || tableType === 'text' || (fileType === 'integer' && tableType === 'real');
}

/** Every difference that stops an append, as sentences; empty when the file fits the table. */
export function diffAppendColumns(file: readonly ColumnPlan[], table: readonly TableColumn[]): string[] {
  const differences: string[] = [];
  const tableByName = new Map(table.map((c) => [c.name.toLowerCase(), c]));
  const fileNames = new Set(file.map((c) => c.name.toLowerCase()));
  for (const col of file) {
    const target = tableByName.get(col.name.toLowerCase());
    if (!target) differences.push(`the file's column "${col.name}" is not in the table`);
    else if (!fits(col.type, target.type)) differences.push(`column "${col.name}" is ${col.type} in the file but ${target.type} in the table`);
  }
  for (const col of table) {
    if (!fileNames.has(col.name.toLowerCase())) differences.push(`the table's column "${col.name}" is missing from the file`);
  }
  return differences;
}

/** The plan's columns with the table's names and types, in the file's order (append stores into the table's types). */
export function alignToTable(file: readonly ColumnPlan[], table: readonly TableColumn[]): ColumnPlan[] {
  const tableByName = new Map(table.map((c) => [c.name.toLowerCase(), c]));
  return file.map((col) => {
    const target = tableByName.get(col.name.toLowerCase());
    return target ? { ...col, name: target.name, type: target.type } : col;
  });
}
