// Worker-thread entry, in one of two roles. 'import': runs one import (and then the search index
// rebuild) on its own database connection, so the app's event loop keeps answering while a 1M-row
// file streams in; messages to the parent: progress, imported, indexed, error; from it: cancel.
// 'second-half': the helper thread of a split import (second-half.ts), started by the import
// worker; it is stopped by terminate(). One entry file for both, as the app is bundled with fixed
// entries. What crosses between the threads is worker-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { adoptWriteWaiters } from '../db/write-turns.js';
import { importCsv } from './import-csv.js';
import { toImportError } from './import-errors.js';
import type { ColumnPlan } from './import-plan.js';
import { openImportDatabase } from './open-import-database.js';
import { rebuildSearchIndex } from './search-index.js';
import { importSecondHalf, type SecondHalfJob } from './second-half.js';
import type { ControlMessage, HelperMessage, ImportWorkerData, ImportWorkerStart, WorkerMessage } from './worker-protocol.js';

const port = parentPort!;
const start = workerData as ImportWorkerStart;
adoptWriteWaiters(start.writeWaiters);
const data = start.data;
const controller = new AbortController();
// The helper of an import that detects types first is started before they are known.
let provideColumns!: (columns: ColumnPlan[]) => void;
const columnsLater = new Promise<ColumnPlan[]>((resolve) => (provideColumns = resolve));
port.on('message', (m: ControlMessage) => {
  if (m.type === 'cancel') controller.abort();
  else provideColumns(m.columns);
});

if (data.role === 'second-half') await runSecondHalf(data.job);
else await runImport(data);

async function runImport(data: Extract<ImportWorkerData, { role: 'import' }>): Promise<void> {
  const post = (m: WorkerMessage): void => port.postMessage(m);
  const db = openImportDatabase(data.dbPath);
  try {
    const result = await importCsv(db, data.path, data.plan, {
      ...data.ctx,
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
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

async function runSecondHalf(job: SecondHalfJob): Promise<void> {
  const post = (m: HelperMessage): void => port.postMessage(m);
  try {
    const result = await importSecondHalf(
      job,
      controller.signal,
      (rows) => post({ type: 'half-progress', rows }),
      columnsLater,
      (done) => post({ type: 'half-table', done }),
    );
    post({ type: 'half-done', result });
  } catch (err) {
    post({ type: 'half-error', error: toImportError(err).toJSON() });
  } finally {
    port.close();
  }
}
