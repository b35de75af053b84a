// Fair turns at the database's one write lock between the request thread and the import worker
// of the same process. SQLite's busy handler does not queue waiters: it sleeps and retries, so
// an import committing batch after batch back to back can starve a request's write for seconds
// (the handler's retries keep landing inside the next batch) and finally fail it with
// SQLITE_BUSY. Instead the request thread announces itself in a counter shared with the
// workers, and the import worker, between two of its transactions, waits until no announced
// writer is left. A second copy of the app (during a rollout) is another process and cannot see
// the counter; it still gets the gaps between batches and the busy timeout.
import { isMainThread } from 'node:worker_threads';

let waiting: Int32Array = new Int32Array(new SharedArrayBuffer(4));

/** The counter to hand to a worker thread (in its workerData). */
export function sharedWriteWaiters(): Int32Array {
  return waiting;
}

/** In a worker: use the counter its parent shared. */
export function adoptWriteWaiters(shared: Int32Array): void {
  waiting = shared;
}

/** Announces a write about to wait for the lock; call the returned function once it is done. */
export function announceWriter(): () => void {
  Atomics.add(waiting, 0, 1);
  return () => {
    Atomics.sub(waiting, 0, 1);
    Atomics.notify(waiting, 0);
  };
}

/**
 * Between two write transactions of a worker: let announced writers go first, for at most
 * `maxMs` (a writer that needs longer is not waiting for us). A no-op on the main thread, whose
 * own writers cannot be waiting while it runs this.
 */
export function yieldToWaitingWriters(maxMs = 500): void {
  if (isMainThread) return;
  const until = performance.now() + maxMs;
  for (let n = Atomics.load(waiting, 0); n > 0; n = Atomics.load(waiting, 0)) {
    const left = until - performance.now();
    if (left <= 0) return;
    Atomics.wait(waiting, 0, n, Math.min(left, 20));
  }
}
