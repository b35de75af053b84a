// Steady HTTPS load through a public port, for the Traefik handover proof: closed-loop workers,
// half opening a new connection for every request (each is redirected to whichever Traefik is
// live at that instant), half reusing keep-alive connections (which stay on the Traefik they
// were made to). Every request counts; one that does not answer 200 with the backend's body is
// a failure, whatever the reason, except that a GET whose reused keep-alive connection was
// reset before any answer is sent once more on a new connection, as Go's client, curl and
// browsers do (http-call.ts, retryStaleKeepAlive): a Traefik stopping gracefully closes its
// idle connections, and a request can be on its way on one at that instant (counted apart). Bounded in count and in time; stops by itself.
import { createAgent } from '../https-client.js';
import { call } from './http-call.js';

export interface EdgeLoadOptions {
  readonly url: string;
  readonly ca: string;
  /** The body the backend answers with (when given, any other body is a failure too). */
  readonly expectBody?: string;
  readonly newConnectionWorkers: number;
  readonly keepAliveWorkers: number;
  readonly maxRequests: number;
  readonly maxDurationMs: number;
}

export type EdgeConnection = 'new' | 'keep-alive';

export interface EdgeLoadSummary {
  readonly requests: number;
  readonly failed: number;
  readonly byConnection: Record<EdgeConnection, { requests: number; failed: number }>;
  /** GETs sent again after their reused connection was reset before any answer. */
  readonly staleConnectionRetries: number;
  /** The first failures, with their reason (status and body start, or the transport error). */
  readonly failures: readonly string[];
}

export interface RunningEdgeLoad {
  /** Requests answered so far (ok or not). */
  count(): number;
  stop(): Promise<EdgeLoadSummary>;
}

export function startEdgeLoad(opts: EdgeLoadOptions): RunningEdgeLoad {
  const fresh = createAgent(opts.ca, { keepAlive: false });
  const kept = createAgent(opts.ca, { keepAlive: true, maxSockets: opts.keepAliveWorkers });
  const stats = { new: { requests: 0, failed: 0 }, 'keep-alive': { requests: 0, failed: 0 } };
  const failures: string[] = [];
  const deadline = Date.now() + opts.maxDurationMs;
  let total = 0;
  let staleConnectionRetries = 0;
  let stopping = false;

  async function worker(kind: EdgeConnection): Promise<void> {
    const agent = kind === 'new' ? fresh : kept;
    while (!stopping && total < opts.maxRequests && Date.now() < deadline) {
      total += 1;
      const r = await call(opts.url, { agent, timeoutMs: 10_000, retryStaleKeepAlive: true });
      if (r.staleConnectionRetried) staleConnectionRetries += 1;
      const failure = r.error
        ?? (r.status !== 200 || (opts.expectBody !== undefined && r.body !== opts.expectBody) ? `HTTP ${r.status} ${r.body.slice(0, 80)}` : null);
      stats[kind].requests += 1;
      if (failure) {
        stats[kind].failed += 1;
        if (failures.length < 20) failures.push(`${kind}: ${failure}`);
      }
    }
  }

  const workers = [
    ...Array.from({ length: opts.newConnectionWorkers }, () => worker('new')),
    ...Array.from({ length: opts.keepAliveWorkers }, () => worker('keep-alive')),
  ];
  return {
    count: () => stats.new.requests + stats['keep-alive'].requests,
    async stop() {
      stopping = true;
      await Promise.all(workers);
      fresh.destroy();
      kept.destroy();
      return {
        requests: stats.new.requests + stats['keep-alive'].requests,
        failed: stats.new.failed + stats['keep-alive'].failed,
        byConnection: stats,
        staleConnectionRetries,
        failures,
      };
    },
  };
}
