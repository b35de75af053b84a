// Constant-rate (open-loop) load over the tenants' real paths: requests start on a fixed
// schedule whether or not earlier ones have answered, so a stall shows up as latency and
// failures instead of silently lowering the rate. Three kinds of request, in a fixed pattern
// per tenant: reads, writes that each carry unique (client, sequence) pairs and count as
// acknowledged only on a 2xx (the tenant answers after COMMIT), and slow requests that are in
// flight when containers are swapped. Bounded in count and in time; stops by itself.
import { setTimeout as delay } from 'node:timers/promises';
import { epochNow, isOk, type CallResult } from './http-call.js';
import { appendRows } from './tenant-api.js';
import { callTenant, type TenantTarget } from './tenant-target.js';
import { WriteLedger } from './write-ledger.js';

export type RequestKind = 'read' | 'write' | 'slow';

export interface RequestRecord {
  readonly slug: string;
  readonly kind: RequestKind;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ms: number;
  readonly status: number;
  readonly error?: string;
  readonly container?: string;
  readonly ok: boolean;
  /** The tenant's error code when it answered with the error envelope. */
  readonly errorCode?: string;
  /** SQLITE_BUSY reached the client. */
  readonly busy: boolean;
  /** First bytes of a failed answer, for the report. */
  readonly failure?: string;
  /** A read sent again after its reused connection was reset (LoadOptions.retryStaleKeepAlive). */
  readonly staleConnectionRetried?: boolean;
}

export interface LoadOptions {
  readonly targets: readonly TenantTarget[];
  /** Requests per second over all targets. */
  readonly ratePerS: number;
  readonly maxDurationMs: number;
  readonly maxRequests: number;
  /** Out of each 20 requests to a tenant: how many are writes and slow queries (the rest reads). */
  readonly writesPer20?: number;
  readonly slowPer20?: number;
  readonly rowsPerWrite?: number;
  /** Distinct writer identities per tenant. */
  readonly clientsPerTarget?: number;
  /** The ledger table's name (columns client, seq, payload). */
  readonly table?: string;
  /** Reads are sent again when a reused keep-alive connection was reset before any answer (http-call.ts). */
  readonly retryStaleKeepAlive?: boolean;
  /** A request that stays in flight a few hundred milliseconds (see slow-requests.ts). */
  readonly slowRequest: (target: TenantTarget) => Promise<CallResult>;
  /** More slow requests than this in flight to one tenant become reads (bounds the generator's own pressure). */
  readonly maxSlowInflightPerTarget?: number;
  readonly timeoutMs?: number;
  /** Prefix of client names, unique per run. */
  readonly runId: string;
  /** One ledger per tenant slug, shared across runs so the verifier sees every write. */
  readonly ledgers: Map<string, WriteLedger>;
  readonly signal?: AbortSignal;
}

export interface RunningLoad {
  readonly records: RequestRecord[];
  /** Resolves when the schedule has ended and every request has answered. */
  readonly done: Promise<RequestRecord[]>;
  /** Ends the schedule early, then waits for the requests in flight. */
  stop(): Promise<RequestRecord[]>;
  inflight(): number;
}

/** Reads used by the generator: the table list and the first page of the ledger table. */
function readPath(i: number, table: string): string {
  return i % 2 === 0 ? '/api/tables' : `/api/tables/${encodeURIComponent(table)}/rows?size=20`;
}

/** The request kind of the n-th request to one tenant: writes and slow ones spread evenly over each 20. */
export function kindOf(n: number, writesPer20: number, slowPer20: number): RequestKind {
  const slot = n % 20;
  if (slowPer20 > 0 && slot % Math.floor(20 / slowPer20) === 0 && slot / Math.floor(20 / slowPer20) < slowPer20) return 'slow';
  if (writesPer20 > 0 && Math.floor(((slot + 1) * writesPer20) / 20) > Math.floor((slot * writesPer20) / 20)) return 'write';
  return 'read';
}

export function errorCodeOf(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

export function isBusyAnswer(body: string): boolean {
  return /SQLITE_BUSY|database is locked/i.test(body);
}

export function startLoad(opts: LoadOptions): RunningLoad {
  const table = opts.table ?? 'ledger';
  const writesPer20 = opts.writesPer20 ?? 6;
  const slowPer20 = opts.slowPer20 ?? 1;
  const rowsPerWrite = opts.rowsPerWrite ?? 1;
  const clients = opts.clientsPerTarget ?? 4;
  const maxSlow = opts.maxSlowInflightPerTarget ?? 4;
  const records: RequestRecord[] = [];
  const pending = new Set<Promise<void>>();
  const perTarget = opts.targets.map(() => ({ sent: 0, slowInflight: 0 }));
  const stopper = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stopper.signal]) : stopper.signal;
  const intervalMs = 1000 / opts.ratePerS;

  const fire = (i: number) => {
    const t = i % opts.targets.length;
    const target = opts.targets[t]!;
    const state = perTarget[t]!;
    const n = state.sent++;
    let kind = kindOf(n, writesPer20, slowPer20);
    if (kind === 'slow' && state.slowInflight >= maxSlow) kind = 'read';
    let ledgerWrite: { client: string; first: number } | undefined;
    let p;
    if (kind === 'write') {
      let ledger = opts.ledgers.get(target.slug);
      if (!ledger) opts.ledgers.set(target.slug, (ledger = new WriteLedger()));
      const client = `${opts.runId}-c${n % clients}`;
      const first = ledger.reserve(client, rowsPerWrite);
      ledgerWrite = { client, first };
      const rows = Array.from({ length: rowsPerWrite }, (_, k) => ({ client, seq: first + k, payload: `w${i}` }));
      p = appendRows(target, table, rows, opts.timeoutMs);
    } else if (kind === 'slow') {
      state.slowInflight++;
      p = opts.slowRequest(target);
    } else {
      p = callTenant(target, readPath(n, table), { timeoutMs: opts.timeoutMs, maxBodyBytes: 64 * 1024, retryStaleKeepAlive: opts.retryStaleKeepAlive });
    }
    const done = p.then((r) => {
      if (kind === 'slow') state.slowInflight--;
      const ok = isOk(r);
      if (ok && ledgerWrite) opts.ledgers.get(target.slug)!.acknowledge(ledgerWrite.client, ledgerWrite.first, rowsPerWrite);
      records.push({
        slug: target.slug, kind, startedAt: r.startedAt, endedAt: r.endedAt, ms: r.ms, status: r.status,
        container: r.container, ok, busy: !ok && isBusyAnswer(r.body),
        ...(r.error ? { error: r.error } : {}),
        ...(r.staleConnectionRetried ? { staleConnectionRetried: true } : {}),
        ...(!ok ? { errorCode: errorCodeOf(r.body), failure: (r.error ?? r.body).slice(0, 300) } : {}),
      });
    });
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  const schedule = (async () => {
    const started = epochNow();
    const deadline = started + opts.maxDurationMs;
    let i = 0;
    while (i < opts.maxRequests && !signal.aborted) {
      const now = epochNow();
      if (now >= deadline) break;
      // Fire everything that is due (catching up after a late timer), then sleep until the next.
      while (i < opts.maxRequests && started + i * intervalMs <= now) fire(i++);
      const wait = Math.max(0, started + i * intervalMs - epochNow());
      await delay(wait, undefined, { signal }).catch(() => undefined);
    }
    while (pending.size > 0) await Promise.all([...pending]);
    return records;
  })();

  return {
    records,
    done: schedule,
    async stop() {
      stopper.abort();
      return schedule;
    },
    inflight: () => pending.size,
  };
}
