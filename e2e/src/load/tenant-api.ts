// The few tenant endpoints the proof uses, as a script would call them: append rows
// (acknowledged after COMMIT), read-only SQL, table listing, and creating a table by uploading
// a small CSV through the import path. Errors of setup calls throw; load calls are recorded.
import { isOk, type CallResult } from './http-call.js';
import { callTenant, type TenantTarget } from './tenant-target.js';
import { waitFor } from '../wait-for.js';

export interface SqlResult {
  readonly columns: string[];
  readonly rows: unknown[][];
  readonly truncated: boolean;
}

export class TenantCallError extends Error {
  constructor(what: string, readonly result: CallResult) {
    super(`${what}: ${result.error ?? `HTTP ${result.status}`} ${result.body.slice(0, 400)}`);
  }
}

function expectOk(what: string, r: CallResult): CallResult {
  if (!isOk(r)) throw new TenantCallError(what, r);
  return r;
}

export async function runSql(target: TenantTarget, sql: string, params: Record<string, string> = {}, timeoutMs = 15_000): Promise<SqlResult> {
  const q = new URLSearchParams({ sql, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`_${k}`, v])) });
  const r = expectOk(`SQL ${sql.slice(0, 60)}`, await callTenant(target, `/api/sql?${q}`, { timeoutMs }));
  return JSON.parse(r.body) as SqlResult;
}

export function appendRows(target: TenantTarget, table: string, rows: readonly Record<string, unknown>[], timeoutMs?: number): Promise<CallResult> {
  return callTenant(target, `/api/tables/${encodeURIComponent(table)}/rows`, { json: { rows }, timeoutMs });
}

export async function listTables(target: TenantTarget): Promise<{ name: string }[]> {
  const r = expectOk('list tables', await callTenant(target, '/api/tables'));
  const body = JSON.parse(r.body) as { tables?: { name: string }[] } | { name: string }[];
  return Array.isArray(body) ? body : body.tables ?? [];
}

/**
 * Creates a table by importing a CSV through the tenant's upload → preview → commit path and
 * waits until the import is done. Returns the import's final state as the tenant reports it.
 */
export async function importCsv(target: TenantTarget, table: string, csv: string | Buffer, fileName = `${table}.csv`): Promise<unknown> {
  const up = expectOk('upload', await callTenant(target, `/api/uploads?name=${encodeURIComponent(fileName)}`, {
    method: 'POST', body: csv, headers: { 'content-type': 'text/csv' }, timeoutMs: 120_000,
  }));
  const upload = JSON.parse(up.body) as { id: string; preview?: { columns: { name: string; type: string }[] } };
  const commit = expectOk('commit import', await callTenant(target, `/api/uploads/${upload.id}/import`, {
    json: { table, mode: 'create' },
  }));
  const job = JSON.parse(commit.body) as { id: string };
  return waitFor(async () => {
    const r = expectOk('import progress', await callTenant(target, `/api/imports/${job.id}`));
    const s = JSON.parse(r.body) as { state: string; error?: unknown };
    if (s.state === 'failed' || s.state === 'cancelled') throw new Error(`import ${s.state}: ${JSON.stringify(s.error)}`);
    return s.state === 'done' ? s : undefined;
  }, { timeoutMs: 600_000, intervalMs: 100, what: `import of ${fileName}` });
}
