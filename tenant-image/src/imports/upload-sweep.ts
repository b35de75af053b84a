// Abandoned uploads (never imported or discarded) expire while the app runs, not only when it
// next starts: a container can run for months, and its uploads count against the instance's
// data limit. Every BERTH_UPLOAD_SWEEP_INTERVAL_S it removes uploads older than
// BERTH_UPLOAD_TTL_S (an upload still streaming in keeps a fresh mtime, so it is never taken).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@berth/common/logger';
import type { Db } from '../db/open-database.js';
import { removeStaleUploads } from './upload-store.js';

export interface UploadSweepOptions {
  readonly db: Db;
  readonly uploadsDir: string;
  readonly ttlMs: number;
  readonly intervalMs: number;
  readonly log: Logger;
}

/** Sweeps every intervalMs until the signal aborts (the first sweep after one interval: startup already swept). Never rejects. */
export async function runUploadSweep(opts: UploadSweepOptions, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    await sleep(opts.intervalMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    try {
      const removed = await removeStaleUploads(opts.db, opts.uploadsDir, opts.ttlMs);
      if (removed > 0) opts.log.info('abandoned uploads removed', { removed });
    } catch (err) {
      // A busy database or a full disk: the next period tries again; nothing is lost by waiting.
      opts.log.warn('upload sweep failed; will retry', { err: err as Error });
    }
  }
}
