// Fair turns at the database's one write lock between the request thread and the import worker
// of the same process. SQLite's busy handler does not queue waiters: it sleeps and retries, so
// an import committing batch after batch back to back can starve a request's write for seconds
// (the handler's retries keep landing inside the next batch) and finally fail it with
// SQLITE_BUSY. Instead the request thread announces itself in a counter shared with the
// workers, and the import worker, between two of its transactions, waits until no announced
// writer is left. A second copy of the app (during a rollout) is another process and cannot see
// the counter: a writer that finds the lock taken also leaves a marker file next to the database
// (markWriterWaiting), which the worker checks between transactions too. SQLite's busy handler
// retries at least every 100 ms, so the worker holds off up to OTHER_PROCESS_WAIT_MS for it.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** How long a marker counts (a writer waits at most its busy timeout, 5 s), and the worker's wait for one. */
const MARKER_FRESH_MS = 6_000;
const OTHER_PROCESS_WAIT_MS = 250;
/** Never written: Atomics.wait on it is a plain 2 ms sleep between looks at the marker. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

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

function markerPath(dbPath: string): string {
  return `${dbPath}-writer-waiting`;
}

/** For a writer about to wait for the lock: says so to workers of any process; call the returned function when done. */
export function markWriterWaiting(dbPath: string): () => void {
  if (dbPath === '' || dbPath === ':memory:') return () => {};
  try {
    writeFileSync(markerPath(dbPath), String(process.pid));
  } catch {
    return () => {}; // a read-only directory: the busy timeout still applies
  }
  return () => rmSync(markerPath(dbPath), { force: true });
}

function writerWaitingElsewhere(dbPath: string): boolean {
  try {
    return Date.now() - statSync(markerPath(dbPath)).mtimeMs < MARKER_FRESH_MS;
  } catch {
    return false;
  }
}

/**
 * Between two write transactions of a worker: let announced writers go first, for at most
 * `maxMs` (a writer that needs longer is not waiting for us), then a writer of another process
 * that left its marker for `dbPath`. A no-op on the main thread, whose own writers cannot be
 * waiting while it runs this.
 */
export function yieldToWaitingWriters(dbPath = '', maxMs = 500): void {
  if (isMainThread) return;
  const until = performance.now() + maxMs;
  for (let n = Atomics.load(waiting, 0); n > 0; n = Atomics.load(waiting, 0)) {
    const left = until - performance.now();
    if (left <= 0) return;
    Atomics.wait(waiting, 0, n, Math.min(left, 20));
  }
  if (dbPath === '' || !writerWaitingElsewhere(dbPath)) return;
  for (const end = performance.now() + OTHER_PROCESS_WAIT_MS; performance.now() < end && writerWaitingElsewhere(dbPath); ) {
    Atomics.wait(PAUSE, 0, 0, 2);
  }
}
