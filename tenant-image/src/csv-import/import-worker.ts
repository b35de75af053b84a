// Worker-thread entry: runs one import (and then the search index rebuild) on its own database
// connection, so the app's event loop keeps answering while a 1M-row file streams in.
// Messages to the parent: progress, imported, indexed, error. From the parent: cancel.
import { parentPort, workerData } from 'node:worker_threads';
import { importCsv, type ImportContext } from './import-csv.js';
import { toImportError } from './import-errors.js';
import type { ImportPlan } from './import-plan.js';
import { openImportDatabase } from './open-import-database.js';
import { rebuildSearchIndex } from './search-index.js';
import type { WorkerMessage } from './worker-messages.js';

export interface ImportWorkerData {
  dbPath: string;
  path: string;
  plan: ImportPlan;
  ctx: Omit<ImportContext, 'signal' | 'onProgress'>;
  rebuildIndex: boolean;
}

const port = parentPort!;
const data = workerData as ImportWorkerData;
const controller = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') controller.abort();
});
const post = (m: WorkerMessage): void => port.postMessage(m);

const db = openImportDatabase(data.dbPath);
try {
  const result = await importCsv(db, data.path, data.plan, {
    ...data.ctx,
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
  });
  post({ type: 'imported', result });
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
} finally {
  db.close();
  port.close();
}
