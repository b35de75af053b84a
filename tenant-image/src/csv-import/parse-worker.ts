// Parse-worker entry: reads, parses and checks the file (readTypedBatches) and posts each batch to
// the import worker, which inserts it while this thread parses the next. At most `maxInFlight`
// batches are posted and not yet acknowledged: past that it waits, so a slow insert side holds
// parsing back instead of letting batches pile up in memory. Cancel = the import worker terminates it.
import { parentPort, workerData } from 'node:worker_threads';
import { toImportError } from './import-errors.js';
import { readTypedBatches, type TypedReadOptions } from './typed-batches.js';
import type { ParseWorkerAck, ParseWorkerMessage } from './worker-messages.js';

export interface ParseWorkerData extends Omit<TypedReadOptions, 'signal'> {
  maxInFlight: number;
}

const port = parentPort!;
const data = workerData as ParseWorkerData;
const post = (m: ParseWorkerMessage): void => port.postMessage(m);
let posted = 0;
let acked = 0;
let wake: (() => void) | null = null;
port.on('message', (m: ParseWorkerAck) => {
  if (m.type !== 'ack') return;
  acked++;
  wake?.();
  wake = null;
});

try {
  const result = await readTypedBatches(data, async (batch) => {
    posted++;
    post({ type: 'batch', batch, inFlight: posted - acked });
    while (posted - acked >= data.maxInFlight) await new Promise<void>((resolve) => (wake = resolve));
  });
  post({ type: 'done', result });
} catch (err) {
  post({ type: 'error', error: toImportError(err).toJSON() });
} finally {
  port.close();
}
