// Where a table came from, as the pages show it: the latest import's file, time, person, rows
// and SHA-256, read from the CSV module's provenance records. Field names are normalised here
// so the pages do not depend on the record's exact column names.
import type { Db } from '../db/open-database.js';
import { loadCsvImport, type ImportRecord } from './csv-import-api.js';

type AnyRecord = Readonly<Record<string, unknown>>;

export interface Provenance {
  readonly table: string;
  readonly fileName: string;
  readonly at: number | null;
  readonly actor: string;
  readonly rows: number | null;
  readonly sha256: string;
  readonly mode: string;
  readonly sizeBytes: number | null;
}

function pick(rec: AnyRecord, keys: readonly string[]): unknown {
  for (const k of keys) if (rec[k] !== undefined && rec[k] !== null) return rec[k];
  return undefined;
}

function asTime(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export function toProvenance(record: ImportRecord | AnyRecord): Provenance {
  const rec = record as AnyRecord;
  const num = (keys: string[]) => {
    const v = pick(rec, keys);
    return typeof v === 'number' ? v : null;
  };
  return {
    table: String(pick(rec, ['table', 'tableName', 'table_name']) ?? ''),
    fileName: String(pick(rec, ['fileName', 'file_name', 'file']) ?? ''),
    at: asTime(pick(rec, ['finishedAt', 'finished_at', 'importedAt', 'imported_at', 'createdAt', 'created_at', 'at', 'startedAt', 'started_at'])),
    actor: String(pick(rec, ['actor', 'importedBy', 'imported_by', 'user']) ?? ''),
    rows: num(['rowsImported', 'rows_imported', 'rows', 'rowCount', 'row_count']),
    sha256: String(pick(rec, ['sha256', 'fileSha256', 'file_sha256']) ?? ''),
    mode: String(pick(rec, ['mode']) ?? ''),
    sizeBytes: num(['sizeBytes', 'size_bytes', 'fileBytes', 'file_bytes', 'bytes']),
  };
}

/** Latest successful import per table (records may come in any order). */
export function latestByTable(records: readonly ImportRecord[]): Map<string, Provenance> {
  const out = new Map<string, Provenance>();
  for (const p of records.filter((r) => r.status === 'succeeded').map(toProvenance)) {
    const seen = out.get(p.table);
    if (!seen || (p.at ?? 0) >= (seen.at ?? 0)) out.set(p.table, p);
  }
  return out;
}

/** Latest import per table; the CSV module is loaded only once there is an import to show. */
export async function provenanceByTable(readDb: Db): Promise<Map<string, Provenance>> {
  const hasRecords = readDb.prepare('SELECT 1 FROM _berth_imports LIMIT 1').get();
  if (!hasRecords) return new Map();
  const csv = await loadCsvImport();
  return latestByTable(csv.listImports(readDb));
}
