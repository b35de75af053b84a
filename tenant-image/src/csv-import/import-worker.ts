// Worker-thread entry: runs one import (and then the search index rebuild) on its own database
// connection, so the app's event loop keeps answering while a 1M-row file streams in; messages to
// the parent: progress, imported, indexed, error, and half-start for a split import's second
// half, which the main thread runs (second-half-host.ts); from it: cancel. What crosses between
// the threads is worker-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { adoptWriteWaiters } from '../db/write-turns.js';
import { importCsv } from './import-csv.js';
import { toImportError } from './import-errors.js';
import { openImportDatabase } from './open-import-database.js';
import { rebuildSearchIndex } from './search-index.js';
import { secondHalfOnParent } from './second-half-on-parent.js';
import type { ControlMessage, ImportWorkerStart, WorkerMessage } from './worker-protocol.js';

const port = parentPort!;
const start = workerData as ImportWorkerStart;
adoptWriteWaiters(start.writeWaiters);
const data = start.data;
const controller = new AbortController();
port.on('message', (m: ControlMessage) => {
  if (m.type === 'cancel') controller.abort();
});

const post = (m: WorkerMessage): void => port.postMessage(m);
const db = openImportDatabase(data.dbPath);
try {
  const result = await importCsv(db, data.path, data.plan, {
    ...data.ctx,
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
    runSecondHalf: secondHalfOnParent,
  });
  post({ type: 'imported', result });
  checkpoint(db);
  if (data.rebuildIndex) {
    try {
      const info = await rebuildSearchIndex(db, data.plan.table, controller.signal);
      post({ type: 'indexed', info });
    } catch (err) {
      post({ type: 'index-error', error: toImportError(err).toJSON() });
    }
  }
} catch (err) {
  post({ type: 'error', error: toImportError(err).toJSON() });
  checkpoint(db);
} finally {
  db.close();
  port.close();
}

/**
 * Copies the WAL the import wrote without checkpoints into the database file, here rather than
 * on the request thread, whose next commit would otherwise do it (it stalled for ~0.5 s in the
 * benchmark). PASSIVE: it neither waits for nor blocks the app's readers and writers.
 */
function checkpoint(db: ReturnType<typeof openImportDatabase>): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A busy or failing database: the next checkpoint (any connection's) catches up.
  }
}
