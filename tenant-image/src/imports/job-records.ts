// Import jobs in the database (table _berth_jobs, migration 2), so that either app copy can
// answer for a job during a rollout. The copy running a job writes its row: at start, a beat
// every few seconds, the outcome. Any copy reads it, joined with the CSV module's provenance row
// of the same id (status and rows committed so far, beaten by the import worker at every batch).
// A cancel request is a timestamp here; the running copy's watch loop acts on it.
import type { Db } from '../db/open-database.js';
import { tryWriteTx, writeTx } from '../db/write-tx.js';
import type { ErrorEnvelope } from '../errors.js';
import type { ImportPlan, ImportResult } from './csv-import-api.js';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type JobError = ErrorEnvelope['error'];

export interface NewJob {
  readonly id: string;
  readonly uploadId: string;
  readonly fileName: string;
  readonly table: string;
  readonly mode: ImportPlan['mode'];
  readonly actor: string;
  /** Which process runs it (container and pid), for logs and debugging. */
  readonly owner: string;
  readonly totalBytes: number;
  readonly startedAt: number;
}

/** What the import worker last wrote to _berth_imports for this job (times in unix ms). */
export interface ProvenanceBeat {
  readonly status: string;
  readonly rows: number;
  readonly heartbeatAt: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

export interface JobRecord extends NewJob {
  readonly state: JobState;
  readonly indexing: boolean;
  readonly rows: number;
  readonly bytes: number;
  readonly beatAt: number;
  readonly finishedAt: number | null;
  readonly cancelRequestedAt: number | null;
  readonly error: JobError | null;
  readonly result: ImportResult | null;
  readonly provenance: ProvenanceBeat | null;
}

export interface JobOutcome {
  readonly state: Exclude<JobState, 'running'>;
  readonly rows: number;
  readonly bytes: number;
  readonly indexing: boolean;
  readonly error?: JobError;
  readonly result?: ImportResult;
}

interface JobRow {
  id: string;
  upload_id: string;
  file_name: string;
  table_name: string;
  mode: ImportPlan['mode'];
  actor: string;
  owner: string;
  state: JobState;
  indexing: number;
  rows: number;
  bytes: number;
  total_bytes: number;
  started_at: number;
  beat_at: number;
  finished_at: number | null;
  cancel_requested_at: number | null;
  error_json: string | null;
  result_json: string | null;
  p_status: string | null;
  p_rows: number | null;
  p_heartbeat_at: string | null;
  p_error_code: string | null;
  p_error_message: string | null;
}

export function insertJob(db: Db, job: NewJob, forgetFinishedBefore: number): void {
  writeTx(db, () => {
    db.prepare('DELETE FROM _berth_jobs WHERE coalesce(finished_at, beat_at) < ?').run(forgetFinishedBefore);
    db.prepare(
      `INSERT INTO _berth_jobs (id, upload_id, file_name, table_name, mode, actor, owner, state, total_bytes, started_at, beat_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
    ).run(job.id, job.uploadId, job.fileName, job.table, job.mode, job.actor, job.owner, job.totalBytes, job.startedAt, job.startedAt);
  });
}

/** Best effort: skipped (false) while the import holds the write lock; the next beat tries again. */
export function recordBeat(db: Db, id: string, progress: { rows: number; bytes: number }, at: number): boolean {
  return tryWriteTx(db, () => db.prepare('UPDATE _berth_jobs SET rows = ?, bytes = ?, beat_at = ? WHERE id = ?').run(progress.rows, progress.bytes, at, id));
}

export function recordOutcome(db: Db, id: string, o: JobOutcome, at: number): void {
  writeTx(db, () =>
    db
      .prepare(
        `UPDATE _berth_jobs SET state = ?, rows = ?, bytes = ?, indexing = ?, error_json = ?, result_json = ?, finished_at = ?, beat_at = ?
         WHERE id = ?`,
      )
      .run(o.state, o.rows, o.bytes, o.indexing ? 1 : 0, o.error ? JSON.stringify(o.error) : null, o.result ? JSON.stringify(o.result) : null, at, at, id),
  );
}

export function recordIndexed(db: Db, id: string, at: number): void {
  writeTx(db, () => db.prepare('UPDATE _berth_jobs SET indexing = 0, beat_at = ? WHERE id = ? AND indexing = 1').run(at, id));
}

/** Records a cancel request for a running job (the first one counts). */
export function requestCancel(db: Db, id: string, at: number): void {
  writeTx(db, () =>
    db.prepare("UPDATE _berth_jobs SET cancel_requested_at = ? WHERE id = ? AND state = 'running' AND cancel_requested_at IS NULL").run(at, id),
  );
}

export function isCancelRequested(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM _berth_jobs WHERE id = ? AND cancel_requested_at IS NOT NULL').get(id) !== undefined;
}

export function readJob(db: Db, id: string): JobRecord | undefined {
  const row = db.prepare(`${selectJobs(db)} WHERE j.id = ?`).get(id) as JobRow | undefined;
  return row ? toRecord(row) : undefined;
}

/** Jobs whose row still says running (their owner may have died: see describeJob). */
export function readRunningJobs(db: Db): JobRecord[] {
  return (db.prepare(`${selectJobs(db)} WHERE j.state = 'running' ORDER BY j.started_at`).all() as JobRow[]).map(toRecord);
}

// _berth_imports is created by the CSV module on the first import, so it may not exist yet.
// Once it exists it stays: remember that per connection.
const hasProvenance = new WeakSet<Db>();

function selectJobs(db: Db): string {
  if (!hasProvenance.has(db) && db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_berth_imports'").get()) hasProvenance.add(db);
  return hasProvenance.has(db)
    ? `SELECT j.*, p.status AS p_status, p.rows_imported AS p_rows, p.heartbeat_at AS p_heartbeat_at, p.error_code AS p_error_code, p.error_message AS p_error_message
       FROM _berth_jobs j LEFT JOIN _berth_imports p ON p.id = j.id`
    : `SELECT j.*, NULL AS p_status, NULL AS p_rows, NULL AS p_heartbeat_at, NULL AS p_error_code, NULL AS p_error_message FROM _berth_jobs j`;
}

function toRecord(r: JobRow): JobRecord {
  const heartbeatAt = r.p_heartbeat_at === null ? NaN : Date.parse(r.p_heartbeat_at);
  return {
    id: r.id,
    uploadId: r.upload_id,
    fileName: r.file_name,
    table: r.table_name,
    mode: r.mode,
    actor: r.actor,
    owner: r.owner,
    totalBytes: r.total_bytes,
    startedAt: r.started_at,
    state: r.state,
    indexing: r.indexing === 1,
    rows: r.rows,
    bytes: r.bytes,
    beatAt: r.beat_at,
    finishedAt: r.finished_at,
    cancelRequestedAt: r.cancel_requested_at,
    error: r.error_json === null ? null : (JSON.parse(r.error_json) as JobError),
    result: r.result_json === null ? null : (JSON.parse(r.result_json) as ImportResult),
    provenance:
      r.p_status === null
        ? null
        : {
            status: r.p_status,
            rows: r.p_rows ?? 0,
            heartbeatAt: Number.isNaN(heartbeatAt) ? 0 : heartbeatAt,
            errorCode: r.p_error_code,
            errorMessage: r.p_error_message,
          },
  };
}
