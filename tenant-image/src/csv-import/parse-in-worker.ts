// Import-worker side of the parse worker: a RowSource whose rows are parsed and checked in a
// second thread, so csv-parse on one core overlaps the INSERTs on the other. Each batch is
// inserted as its message arrives and then acknowledged, which lets the parse worker post another
// (it keeps at most maxInFlight unacknowledged). A parse error ends the source with that
// ImportError (line and column intact); an insert error, a cancel or a dead worker terminates the
// parse worker. Either way importRows() then drops the staging table.
import { ImportError } from './import-errors.js';
import type { RowSource } from './import-csv.js';
import type { ParseWorkerData } from './parse-worker.js';
import { throwIfCancelled } from './read-csv.js';
import { startWorker } from './start-worker.js';
import type { TypedReadResult } from './typed-batches.js';
import type { ParseWorkerAck, ParseWorkerMessage } from './worker-messages.js';

/** Enough to keep the insert side busy while the parser is between batches; each is ~256 KiB of input. */
export const MAX_IN_FLIGHT_BATCHES = 4;

// csv-parse makes short-lived garbage only (a record array and its strings per row): a small
// young generation keeps the thread's footprint flat. The old-generation cap is a backstop.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };

export interface ParseInWorkerOptions {
  maxInFlight?: number;
  /** Sees, for each batch, how many were unacknowledged when it was posted (for tests and tuning). */
  observeInFlight?: (inFlight: number) => void;
}

export function parseInWorker(path: string, opts: ParseInWorkerOptions = {}): RowSource {
  const maxInFlight = opts.maxInFlight ?? MAX_IN_FLIGHT_BATCHES;
  return ({ signal, ...input }, onBatch) => {
    throwIfCancelled(signal);
    const data: ParseWorkerData = { ...input, path, maxInFlight };
    const worker = startWorker('parse-worker', data, RESOURCE_LIMITS);
    return new Promise<TypedReadResult>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, result?: TypedReadResult): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        if (result) resolve(result);
        else reject(err);
      };
      const onAbort = (): void => finish(new ImportError('CSV_CANCELLED', 'The import was cancelled; nothing was written.'));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: ParseWorkerMessage) => {
        if (settled) return;
        switch (m.type) {
          case 'batch':
            opts.observeInFlight?.(m.inFlight);
            try {
              onBatch(m.batch);
            } catch (err) {
              finish(err);
              return;
            }
            worker.postMessage({ type: 'ack' } satisfies ParseWorkerAck);
            return;
          case 'done':
            finish(null, m.result);
            return;
          case 'error':
            finish(ImportError.fromJSON(m.error));
            return;
        }
      });
      worker.on('error', (err) => finish(new ImportError('CSV_INTERNAL', `The CSV parse worker failed: ${err.message}`, { cause: err })));
      worker.on('exit', (code) => finish(new ImportError('CSV_INTERNAL', `The CSV parse worker stopped (exit code ${code}).`)));
    });
  };
}
