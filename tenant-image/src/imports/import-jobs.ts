// Running imports of this process. An import runs in the CSV module's worker thread (its own
// connection, so this event loop stays free); the job here tracks its progress for the status
// endpoint, cancels it on request or at shutdown, and removes the upload once it is no longer
// needed. Jobs live in memory: they belong to the process that runs them.
import { randomBytes } from 'node:crypto';
import type { ImportLimits } from '../config.js';
import type { Db } from '../db/open-database.js';
import { BerthError, toBerthError, type ErrorEnvelope } from '../errors.js';
import type { Logger } from '../log.js';
import { loadCsvImport, type ImportPlan, type ImportResult } from './csv-import-api.js';
import { deleteUpload, uploadPath, type Upload } from './upload-store.js';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ImportJob {
  readonly id: string;
  readonly uploadId: string;
  readonly fileName: string;
  readonly table: string;
  readonly mode: ImportPlan['mode'];
  readonly actor: string;
  readonly startedAt: number;
  state: JobState;
  rows: number;
  bytes: number;
  totalBytes: number;
  finishedAt?: number;
  /** True while the search index is rebuilt after a successful import (the table is already usable). */
  indexing: boolean;
  error?: ErrorEnvelope['error'];
  result?: ImportResult;
}

export interface ImportJobs {
  start(upload: Upload, plan: ImportPlan, actor: string): Promise<ImportJob>;
  get(id: string): ImportJob;
  cancel(id: string): ImportJob;
  runningCount(): number;
  running(): ImportJob[];
  /** Cancels every running import and waits until each has rolled back. */
  stopAll(): Promise<void>;
}

const MAX_RUNNING = 1;
const KEEP_FINISHED_MS = 60 * 60_000;

export function createImportJobs(opts: { db: Db; dbPath: string; uploadsDir: string; limits: ImportLimits; log: Logger }): ImportJobs {
  const jobs = new Map<string, ImportJob>();
  const running = new Map<string, { cancel: () => void; done: Promise<void> }>();
  let stopping = false;

  const forgetOld = (now: number) => {
    for (const [id, j] of jobs) if (j.finishedAt !== undefined && now - j.finishedAt > KEEP_FINISHED_MS) jobs.delete(id);
  };

  const get = (id: string): ImportJob => {
    const job = jobs.get(id);
    if (!job) throw new BerthError('NOT_FOUND', 'no such import on this instance (it may have finished more than an hour ago)', { job: id });
    return job;
  };

  return {
    async start(upload, plan, actor) {
      if (stopping) throw new BerthError('SHUTTING_DOWN', 'the app is stopping; start the import again in a moment');
      if (running.size >= MAX_RUNNING) throw new BerthError('TOO_BUSY', 'another import is running; wait for it to finish');
      forgetOld(Date.now());
      const csv = await loadCsvImport();
      const job: ImportJob = {
        id: randomBytes(12).toString('base64url'),
        uploadId: upload.id,
        fileName: upload.fileName,
        table: plan.table,
        mode: plan.mode,
        actor,
        startedAt: Date.now(),
        state: 'running',
        rows: 0,
        bytes: 0,
        indexing: false,
        totalBytes: upload.sizeBytes,
      };
      const handle = csv.runImportInWorker(opts.dbPath, uploadPath(opts.uploadsDir, upload.id), plan, {
        limits: opts.limits,
        actor,
        fileName: upload.fileName,
        onProgress: (p) => {
          job.rows = p.rows;
          job.bytes = p.bytesRead;
          job.totalBytes = p.totalBytes || job.totalBytes;
        },
      });
      jobs.set(job.id, job);
      const done = handle.promise.then(
        async (result) => {
          job.state = 'succeeded';
          job.indexing = true;
          job.result = result;
          job.bytes = job.totalBytes;
          job.rows = result.rows;
          await deleteUpload(opts.db, opts.uploadsDir, upload.id).catch((err) => opts.log.warn('could not remove upload', { err }));
        },
        async (err: unknown) => {
          const e = toBerthError(err);
          job.state = e.code === 'IMPORT_CANCELLED' ? 'cancelled' : 'failed';
          job.error = { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
          if (e.code === 'INTERNAL') opts.log.error('import failed unexpectedly', { job: job.id, err });
          // A cancelled import's file goes; a failed one stays so the person can adjust and retry.
          if (job.state === 'cancelled') await deleteUpload(opts.db, opts.uploadsDir, upload.id).catch(() => undefined);
        },
      ).finally(() => {
        job.finishedAt = Date.now();
      });
      // The worker lives on until the search index is rebuilt; it counts as running until then,
      // so shutdown cancels and awaits that too.
      const settled = Promise.allSettled([done, handle.indexed]).then(([, idx]) => {
        job.indexing = false;
        if (idx.status === 'rejected' && job.state === 'succeeded') opts.log.warn('search index rebuild failed', { job: job.id, err: idx.reason });
        running.delete(job.id);
      });
      running.set(job.id, { cancel: handle.cancel, done: settled });
      opts.log.info('import started', { job: job.id, table: plan.table, mode: plan.mode, bytes: upload.sizeBytes });
      return job;
    },
    get,
    cancel(id) {
      const job = get(id);
      running.get(id)?.cancel();
      return job;
    },
    runningCount: () => running.size,
    running: () => [...running.keys()].map(get).filter((j) => j.state === 'running'),
    async stopAll() {
      stopping = true;
      const all = [...running.values()];
      for (const r of all) r.cancel();
      await Promise.all(all.map((r) => r.done));
    },
  };
}
