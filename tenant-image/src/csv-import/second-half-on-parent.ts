// The import worker's handle on a second half that runs on the app's main thread
// (second-half-host.ts): asks for it over the worker's parent port with a channel of its own,
// and turns the host's messages back into a SecondHalfHandle. What crosses is worker-protocol.ts.
import { MessageChannel, parentPort } from 'node:worker_threads';
import { ImportError } from './import-errors.js';
import { TableQueue, type SecondHalfOutcome, type SecondHalfStarter } from './second-half-run.js';
import type { HalfRequest, HalfMessage, WorkerMessage } from './worker-protocol.js';

export const secondHalfOnParent: SecondHalfStarter = (job, onProgress) => {
  const { port1: port, port2 } = new MessageChannel();
  parentPort!.postMessage({ type: 'half-start', job, port: port2 } satisfies WorkerMessage, [port2]);
  const request = (m: HalfRequest): void => port.postMessage(m);
  const tables = new TableQueue();
  let stopped!: () => void;
  const whenStopped = new Promise<void>((resolve) => (stopped = resolve));
  const outcome = new Promise<SecondHalfOutcome>((resolve) => {
    port.on('message', (m: HalfMessage) => {
      if (m.type === 'half-progress') onProgress(m.rows);
      else if (m.type === 'half-table') tables.push(m.done);
      else if (m.type === 'half-done') resolve({ ok: true, result: m.result });
      else if (m.type === 'half-error') resolve({ ok: false, error: ImportError.fromJSON(m.error), crashed: m.crashed });
      else stopped();
    });
    port.on('close', () => {
      resolve({ ok: false, crashed: true, error: new ImportError('CSV_INTERNAL', 'The second half of the import stopped without an answer.') });
      stopped();
    });
  });
  void outcome.then(() => tables.end());
  let stopping: Promise<void> | null = null;
  return {
    outcome,
    nextTable: () => tables.next(),
    provideColumns: (columns) => request({ type: 'columns', columns }),
    stop: () => {
      stopping ??= (async () => {
        request({ type: 'stop' });
        await whenStopped;
        port.close();
      })();
      return stopping;
    },
  };
};
