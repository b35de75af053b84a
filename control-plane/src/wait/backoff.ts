// How long to wait before retrying something that failed `attempts` times in a row: doubling
// from a base, capped. Pure.

export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Background loops (reconcile lanes and passes, the Docker event stream, the tenant network). */
export const LOOP_BACKOFF: Backoff = { baseMs: 250, maxMs: 30_000 };

export function backoffMs(attempts: number, backoff: Backoff = LOOP_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
}
