// The few tenant endpoints the proof uses, as a script would call them: append rows
// (acknowledged after COMMIT), read-only SQL, table listing, and creating a table by uploading
// a small CSV through the import path. Errors of setup calls throw; load calls are recorded.
import { isOk, type CallResult } from './http-call.js';
import { callTenant, type TenantTarget } from './tenant-target.js';
import { waitFor } from '@berth/common/wait-for';

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
  const q = new URLSearchParams({ sql, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`p.${k}`, v])) });
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

export interface ImportJob {
  readonly id: string;
  readonly state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  readonly rows: number;
  readonly bytes: number;
  readonly totalBytes: number;
  /** True while the search index of the imported table is being rebuilt. */
  readonly indexing?: boolean;
  readonly error?: { code: string; message: string };
}

/** Streams a file to the tenant's upload endpoint (the request body is the file). */
export async function uploadCsv(target: TenantTarget, csv: string | Buffer, fileName: string, timeoutMs = 600_000): Promise<string> {
  const up = expectOk('upload', await callTenant(target, `/api/uploads?name=${encodeURIComponent(fileName)}`, {
    method: 'POST', body: csv, headers: { 'content-type': 'text/csv' }, timeoutMs,
  }));
  return (JSON.parse(up.body) as { upload: { id: string } }).upload.id;
}

/** Commits an upload as a new table; the tenant detects column types itself. Returns the job. */
export async function startImport(target: TenantTarget, uploadId: string, table: string, mode: 'create' | 'append' | 'replace' = 'create'): Promise<ImportJob> {
  const r = expectOk('start import', await callTenant(target, '/api/imports', { json: { upload: uploadId, table, mode }, timeoutMs: 120_000 }));
  return (JSON.parse(r.body) as { job: ImportJob }).job;
}

export async function importJob(target: TenantTarget, jobId: string): Promise<ImportJob> {
  const r = expectOk('import progress', await callTenant(target, `/api/imports/jobs/${encodeURIComponent(jobId)}`));
  return (JSON.parse(r.body) as { job: ImportJob }).job;
}

/** Polls an import until it has finished; throws unless it succeeded. Jobs live in the container that runs them. */
export async function waitForImport(target: TenantTarget, jobId: string, timeoutMs = 600_000, onProgress?: (j: ImportJob) => void): Promise<ImportJob> {
  const job = await waitFor(async () => {
    const j = await importJob(target, jobId);
    onProgress?.(j);
    return j.state === 'running' ? undefined : j;
  }, { timeoutMs, intervalMs: 100, what: `import job ${jobId}` });
  if (job.state !== 'succeeded') throw new Error(`import ${job.state}: ${JSON.stringify(job.error)}`);
  return job;
}

/** Polls a succeeded import until its search index is rebuilt. */
export async function waitForIndexing(target: TenantTarget, jobId: string, timeoutMs = 600_000): Promise<void> {
  await waitFor(async () => ((await importJob(target, jobId)).indexing ? undefined : true), { timeoutMs, intervalMs: 100, what: `search index of import ${jobId}` });
}

/** Creates a table through the upload → import path (type detection on) and waits until it is there. */
export async function importCsv(target: TenantTarget, table: string, csv: string | Buffer, fileName = `${table}.csv`): Promise<ImportJob> {
  const uploadId = await uploadCsv(target, csv, fileName);
  const job = await startImport(target, uploadId, table);
  return waitForImport(target, job.id);
}
