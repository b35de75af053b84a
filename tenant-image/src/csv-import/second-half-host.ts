// The main thread's side of a split import run in the import worker: it runs the second half
// here, between the app's requests (second-half.ts yields after every 64 KiB slice), and reports
// to the worker over the half's own channel (worker-protocol.ts). Here rather than in a third
// thread: each V8 isolate costs its own heap, ~11 MiB at an import's peak, and the tenant has
// 128 MiB; the main thread's heap is there anyway. A request waits at most one slice (~2-3 ms).
import type { MessagePort } from 'node:worker_threads';
import { startSecondHalfRun } from './second-half-run.js';
import type { SecondHalfJob } from './second-half.js';
import type { HalfRequest, HalfMessage } from './worker-protocol.js';

/** Runs the half until the worker asks it to stop, or its end of `port` closes (the worker ended or died). */
export function hostSecondHalf(job: SecondHalfJob, port: MessagePort): void {
  const post = (m: HalfMessage): void => port.postMessage(m);
  const run = startSecondHalfRun(
    job,
    (rows) => post({ type: 'half-progress', rows }),
    (done) => post({ type: 'half-table', done }),
  );
  void run.outcome.then((o) =>
    post(o.ok ? { type: 'half-done', result: o.result } : { type: 'half-error', error: o.error.toJSON(), crashed: o.crashed }),
  );
  port.on('message', (m: HalfRequest) => {
    if (m.type === 'columns') run.provideColumns(m.columns);
    else
      void run.stop().then(() => {
        post({ type: 'half-stopped' });
        port.close();
      });
  });
  // The worker's end closed without a stop (it was terminated or crashed; a worker's ports
  // close when it exits): stop here too.
  port.on('close', () => void run.stop());
}
