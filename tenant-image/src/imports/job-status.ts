// What an import job's status is, as a pure function of its database record (plus the live
// progress when the asking process runs the job). Both app copies answer through this one
// function, so a poll gets the same answer whichever copy Traefik sends it to.
import type { ImportResult } from './csv-import-api.js';
import type { JobError, JobRecord, JobState, NewJob } from './job-records.js';

/** The job as its record describes it (without which process owns it), plus where it stands. */
export interface ImportJob extends Omit<NewJob, 'owner'> {
  readonly state: JobState;
  readonly rows: number;
  readonly bytes: number;
  readonly finishedAt?: number;
  /** True while the search index is rebuilt after a successful import (the table is already usable). */
  readonly indexing: boolean;
  /** A cancel was asked for (on either copy) and the import has not ended yet, or ended because of it. */
  readonly cancelRequested: boolean;
  readonly error?: JobError;
  readonly result?: ImportResult;
}

/** Progress the running process holds in memory (fresher than its last beat in the database). */
export interface LiveProgress {
  rows: number;
  bytes: number;
  totalBytes: number;
}

/**
 * A job whose owner wrote nothing (no job beat, no provenance heartbeat) for this long is taken
 * as dead: the owner beats every few seconds. Shorter than the 60 s after which a starting copy
 * drops its staging table, so the verdict never says "running" about a table already dropped.
 */
export const STALE_AFTER_MS = 30_000;

export const INTERRUPTED_MESSAGE = 'The app stopped while importing this file (it was restarted or replaced); nothing was written. Start the import again.';

export function interruptedError(): JobError {
  return { code: 'IMPORT_FAILED', message: INTERRUPTED_MESSAGE, details: { reason: 'CSV_INTERRUPTED' } };
}

export function describeJob(rec: JobRecord, now: number, live?: LiveProgress): ImportJob {
  const prov = rec.provenance;
  const lastBeat = Math.max(rec.beatAt, prov?.heartbeatAt ?? 0);
  const ownerAlive = live !== undefined || now - lastBeat <= STALE_AFTER_MS;
  const base = {
    id: rec.id,
    uploadId: rec.uploadId,
    fileName: rec.fileName,
    table: rec.table,
    mode: rec.mode,
    actor: rec.actor,
    startedAt: rec.startedAt,
    totalBytes: live?.totalBytes || rec.totalBytes,
    cancelRequested: rec.cancelRequestedAt !== null,
  };
  const rows = Math.max(rec.rows, live?.rows ?? 0);
  const bytes = Math.max(rec.bytes, live?.bytes ?? 0);

  if (rec.state !== 'running') {
    return {
      ...base,
      state: rec.state,
      rows,
      bytes,
      // The owner clears it when the index is built; a dead owner never will.
      indexing: rec.indexing && ownerAlive,
      ...(rec.finishedAt !== null ? { finishedAt: rec.finishedAt } : {}),
      ...(rec.error ? { error: rec.error } : {}),
      ...(rec.result ? { result: rec.result } : {}),
    };
  }
  // The worker has ended the import but the owner has not recorded it (yet, or ever: it died in
  // between). The owner itself (`live`) answers "running" for the moment until it records the
  // outcome, which carries the full error (line, column); the provenance row has only its code.
  if (prov && prov.status !== 'running' && live === undefined) {
    const finished = { ...base, finishedAt: prov.heartbeatAt };
    if (prov.status === 'succeeded') return { ...finished, state: 'succeeded', rows: prov.rows, bytes: base.totalBytes, indexing: ownerAlive };
    const error: JobError =
      prov.status === 'cancelled'
        ? { code: 'IMPORT_CANCELLED', message: prov.errorMessage ?? 'The import was cancelled; nothing was written.' }
        : prov.status === 'interrupted'
          ? interruptedError()
          : { code: 'IMPORT_FAILED', message: prov.errorMessage ?? 'The import failed; nothing was written.', details: { reason: prov.errorCode ?? 'unknown' } };
    return { ...finished, state: prov.status === 'cancelled' ? 'cancelled' : 'failed', rows, bytes, indexing: false, error };
  }
  if (!ownerAlive) return { ...base, state: 'failed', rows, bytes, indexing: false, finishedAt: lastBeat, error: interruptedError() };
  return { ...base, state: 'running', rows: Math.max(rows, prov?.rows ?? 0), bytes, indexing: false };
}
