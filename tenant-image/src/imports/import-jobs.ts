// Import jobs. An import runs in the CSV module's worker thread (its own connection, so this
// event loop stays free) in the process that started it; its status and cancel requests live in
// the database (job-records.ts), so during a rollout either app copy can answer a poll or take a
// cancel for it. The running process keeps the worker handle and its live progress, beats the
// job row, acts on cancel requests recorded by the other copy, cancels its imports at shutdown,
// and removes the upload once it is no longer needed.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImportLimits } from '../csv-import/import-plan.js';
import type { Db } from '../db/open-database.js';
import { BerthError, toBerthError } from '../errors.js';
import { importRows, importSeconds, importsFinished } from '../metrics/registry.js';
import type { Logger } from '@berth/common/logger';
import { loadCsvImport, type ImportHandle, type ImportPlan } from './csv-import-api.js';
import { dataLimitError, type DataBudget } from './data-budget.js';
import { insertJob, isCancelRequested, readJob, readRunningJobs, recordBeat, recordIndexed, recordOutcome, requestCancel, type JobOutcome } from './job-records.js';
import { describeJob, interruptedError, type ImportJob, type LiveProgress } from './job-status.js';
import { deleteUpload, uploadPath, type Upload } from './upload-store.js';

export type { ImportJob } from './job-status.js';
export type { JobState } from './job-records.js';

export interface ImportJobs {
  /** `detectTypes`: the plan's column types are placeholders, detected by the import (ImportContext.detectTypes). */
  start(upload: Upload, plan: ImportPlan, actor: string, opts?: { detectTypes?: boolean }): Promise<ImportJob>;
  /** The job's status, whichever copy runs it (NOT_FOUND when no copy ever did, or it is long gone). */
  get(id: string): ImportJob;
  /** Records a cancel request; the copy running the import stops it (this one at once, the other within a second). */
  cancel(id: string): ImportJob;
  /** Imports running in this process (the control plane waits for them before stopping it). */
  runningCount(): number;
  /** Imports running in any copy. */
  running(): ImportJob[];
  /** Cancels every import of this process and waits until each has rolled back. */
  stopAll(): Promise<void>;
}

interface RunningJob {
  readonly handle: ImportHandle;
  readonly live: LiveProgress;
  readonly watch: AbortController;
  readonly settled: Promise<void>;
  /** A person asked for the cancel (here or on the other copy), as opposed to a shutdown. */
  cancelled: boolean;
  /** Stopped because the instance passed its data limit: the job fails with this error. */
  overLimit?: BerthError;
}

const MAX_RUNNING = 1;
/** Finished jobs are answered for this long; the import history (provenance) keeps them for good. */
const KEEP_FINISHED_MS = 24 * 60 * 60_000;
/** How often the running copy looks for a cancel request (a cheap read). */
const CANCEL_POLL_MS = 250;
/**
 * How often it writes progress and liveness to the job row. A write waits for the import
 * worker's current batch (up to ~150 ms), so not more often than this.
 */
const BEAT_MS = 2_000;

export interface ImportJobsOptions {
  /** The read-write connection (job rows are written through writeTx). */
  readonly db: Db;
  /** The read-only connection, for status reads. */
  readonly readDb: Db;
  readonly dbPath: string;
  readonly uploadsDir: string;
  readonly limits: ImportLimits;
  readonly log: Logger;
  /** Names this process in the job rows it writes (default: host name and pid). */
  readonly owner?: string;
  /** The instance's data limit, measured at every beat while an import runs. */
  readonly dataBudget?: DataBudget;
}

export function createImportJobs(opts: ImportJobsOptions): ImportJobs {
  const { db, readDb, log } = opts;
  const owner = opts.owner ?? `${hostname()}/${process.pid}`;
  const running = new Map<string, RunningJob>();
  let stopping = false;
  // While an import streams in without checkpoints (import-csv.ts), this connection's next commit
  // (a job beat, any request's write) would checkpoint the whole WAL on the request thread; it
  // holds off until the last import's worker has checkpointed it.
  const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  const holdCheckpoints = (hold: boolean): void => {
    db.pragma(`wal_autocheckpoint = ${hold ? 0 : autocheckpoint}`);
  };

  const get = (id: string): ImportJob => {
    const rec = readJob(readDb, id);
    if (!rec) throw new BerthError('NOT_FOUND', 'no such import (it may have finished more than a day ago; see the import history)', { job: id });
    return describeJob(rec, Date.now(), running.get(id)?.live);
  };

  /** Records what happened; a failure to record is logged, the import's own result stands. */
  const record = (what: string, write: () => void) => {
    try {
      write();
    } catch (err) {
      log.error(`could not record the import ${what}`, { err });
    }
  };

  /** The owner's loop for one job: act on a cancel request from either copy, beat the row. Ends with the job. */
  const watch = async (id: string, run: RunningJob) => {
    const signal = run.watch.signal;
    let sinceBeat = 0;
    while (!signal.aborted) {
      await sleep(CANCEL_POLL_MS, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      try {
        if (!run.cancelled && isCancelRequested(readDb, id)) {
          run.cancelled = true;
          run.handle.cancel();
          log.info('import cancel requested', { job: id });
        }
        sinceBeat += CANCEL_POLL_MS;
        if (sinceBeat >= BEAT_MS && opts.dataBudget && !run.overLimit && !run.cancelled) {
          const used = await opts.dataBudget.usedBytes();
          if (used > opts.dataBudget.maxBytes) {
            run.overLimit = dataLimitError(opts.dataBudget.maxBytes, used, 'this import');
            run.handle.cancel();
            log.warn('import stopped at the data limit', { job: id, usedBytes: used, limitBytes: opts.dataBudget.maxBytes });
          }
        }
        // A beat skipped because the import holds the write lock is retried at the next poll.
        if (sinceBeat >= BEAT_MS && recordBeat(db, id, run.live, Date.now())) sinceBeat = 0;
      } catch (err) {
        // A busy or failing database delays the next beat; the job itself goes on.
        log.warn('import watch step failed', { job: id, err });
      }
    }
  };

  return {
    async start(upload, plan, actor, startOpts = {}) {
      const csv = await loadCsvImport();
      if (stopping) throw new BerthError('SHUTTING_DOWN', 'the app is stopping; start the import again in a moment');
      if (running.size >= MAX_RUNNING) throw new BerthError('TOO_BUSY', 'another import is running; wait for it to finish');
      // The job id is the provenance id, so the job row and the worker's _berth_imports row join.
      const id = csv.newImportId();
      const now = Date.now();
      insertJob(db, { id, uploadId: upload.id, fileName: upload.fileName, table: plan.table, mode: plan.mode, actor, owner, totalBytes: upload.sizeBytes, startedAt: now }, now - KEEP_FINISHED_MS);
      const live: LiveProgress = { rows: 0, bytes: 0, totalBytes: upload.sizeBytes };
      const handle = csv.runImportInWorker(opts.dbPath, uploadPath(opts.uploadsDir, upload.id), plan, {
        limits: opts.limits,
        actor,
        fileName: upload.fileName,
        importId: id,
        detectTypes: startOpts.detectTypes === true,
        onProgress: (p) => {
          live.rows = p.rows;
          live.bytes = p.bytesRead;
          live.totalBytes = p.totalBytes || live.totalBytes;
        },
      });
      let succeeded = false;
      const finish = (o: JobOutcome) => record('outcome', () => recordOutcome(db, id, o, Date.now()));
      const done = handle.promise.then(
        async (result) => {
          succeeded = true;
          importsFinished.inc({ outcome: 'succeeded' });
          importRows.inc(undefined, result.rows);
          importSeconds.observe((Date.now() - now) / 1000);
          log.info('import finished', { job: id, table: plan.table, rows: result.rows, bytes: result.bytes, phasesMs: result.phasesMs });
          live.rows = result.rows;
          live.bytes = live.totalBytes;
          finish({ state: 'succeeded', rows: result.rows, bytes: live.totalBytes, indexing: true, result });
          await deleteUpload(db, opts.uploadsDir, upload.id).catch((err) => log.warn('could not remove upload', { err }));
        },
        async (err: unknown) => {
          const e = run.overLimit ?? toBerthError(err);
          if (e.code === 'INTERNAL') log.error('import failed unexpectedly', { job: id, err });
          if (e.code === 'IMPORT_CANCELLED' && !run.cancelled) {
            // Stopped by a shutdown, not by a person: the file stays so the import can simply be started again.
            finish({ state: 'failed', rows: live.rows, bytes: live.bytes, indexing: false, error: interruptedError() });
            return;
          }
          const state = e.code === 'IMPORT_CANCELLED' ? 'cancelled' : 'failed';
          importsFinished.inc({ outcome: state });
          finish({ state, rows: live.rows, bytes: live.bytes, indexing: false, error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
          // A cancelled import's file goes; a failed one stays so the person can adjust and retry.
          if (state === 'cancelled') await deleteUpload(db, opts.uploadsDir, upload.id).catch(() => undefined);
        },
      );
      // The worker lives on until the search index is rebuilt; the job counts as running here
      // until then, so shutdown cancels and awaits that too.
      const settled = Promise.allSettled([done, handle.indexed]).then(([, idx]) => {
        if (idx.status === 'rejected' && succeeded) log.warn('search index rebuild failed', { job: id, err: idx.reason });
        record('index state', () => recordIndexed(db, id, Date.now()));
        run.watch.abort();
        running.delete(id);
        if (running.size === 0) holdCheckpoints(false);
      });
      const run: RunningJob = { handle, live, watch: new AbortController(), settled, cancelled: false };
      running.set(id, run);
      holdCheckpoints(true);
      void watch(id, run);
      log.info('import started', { job: id, table: plan.table, mode: plan.mode, bytes: upload.sizeBytes });
      return get(id);
    },
    get,
    cancel(id) {
      const run = running.get(id);
      if (run && !run.cancelled) {
        run.cancelled = true;
        run.handle.cancel();
      }
      requestCancel(db, id, Date.now());
      return get(id);
    },
    runningCount: () => running.size,
    running: () => {
      const now = Date.now();
      return readRunningJobs(readDb)
        .map((rec) => describeJob(rec, now, running.get(rec.id)?.live))
        .filter((j) => j.state === 'running');
    },
    async stopAll() {
      stopping = true;
      const all = [...running.values()];
      for (const r of all) r.handle.cancel();
      await Promise.all(all.map((r) => r.settled));
    },
  };
}
