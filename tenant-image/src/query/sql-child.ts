// Entry point of the SQL query process (forked by sql-runner.ts). It runs one read-only query
// at a time on its own read-only connection. It is a process, not a worker thread, because a
// single long SQLite step (e.g. a recursive CTE feeding count(*)) never returns to JavaScript:
// worker.terminate() cannot stop it and better-sqlite3 (13) exposes no sqlite3_interrupt. Killing
// the process stops it for sure; a killed reader leaves nothing behind in a WAL database.
import Database from 'better-sqlite3';
import type { SqlRequest, SqlResponse } from './sql-protocol.js';

let db: Database.Database | undefined;
let openPath = '';

function connection(path: string, busyTimeoutMs: number): Database.Database {
  if (!db || openPath !== path) {
    db?.close();
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    openPath = path;
  }
  return db;
}

function toTransferable(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return `<blob ${v.length} bytes>`;
  return v;
}

function run(req: SqlRequest): SqlResponse {
  const started = performance.now();
  let stmt: Database.Statement;
  try {
    stmt = connection(req.dbPath, req.busyTimeoutMs).prepare(req.sql);
  } catch (err) {
    return { id: req.id, ok: false, code: 'SQL_ERROR', message: (err as Error).message };
  }
  if (!stmt.reader || !stmt.readonly) {
    return { id: req.id, ok: false, code: 'SQL_REJECTED', message: 'only statements that read and return rows are allowed' };
  }
  try {
    const columns = stmt.columns().map((c) => c.name);
    const rows: unknown[][] = [];
    let truncated = false;
    const params = Object.keys(req.params).length > 0 ? [req.params] : [];
    for (const row of stmt.raw().iterate(...params) as IterableIterator<unknown[]>) {
      if (rows.length === req.rowCap) {
        truncated = true;
        break;
      }
      rows.push(row.map(toTransferable));
    }
    return { id: req.id, ok: true, result: { columns, rows, truncated, elapsedMs: Math.round(performance.now() - started) } };
  } catch (err) {
    return { id: req.id, ok: false, code: 'SQL_ERROR', message: (err as Error).message };
  }
}

process.on('message', (req: SqlRequest) => {
  process.send!(run(req));
});
process.send!({ ready: true });
process.on('disconnect', () => {
  db?.close();
  process.exit(0);
});
