// Waiting by polling a condition with a deadline — never a fixed sleep.
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  what?: string;
  signal?: AbortSignal;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false | null> | T | undefined | false | null, opts: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (true) {
    opts.signal?.throwIfAborted();
    try {
      const v = await probe();
      if (v !== undefined && v !== false && v !== null) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `: last error: ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
