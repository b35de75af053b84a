// Waiting by polling a condition with a deadline, never a fixed sleep; and the abortable pause
// between two polls. The one home of both for the apps and the tests.
export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message. */
  readonly what?: string;
  readonly signal?: AbortSignal;
}

type Probe<T> = () => Promise<T | undefined | false | null> | T | undefined | false | null;

/**
 * Calls probe until it returns something other than undefined, null or false, and returns that.
 * A probe that throws counts as "not yet"; its last error is named in the timeout message.
 */
export async function waitFor<T>(probe: Probe<T>, opts: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'a condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `: last error: ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs, opts.signal);
  }
}

/** Abortable delay for poll loops (the pause between two checks, never a wait for an outcome). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
