// One phase of the rollout proof: constant load on some tenants while rollouts run, watched
// from outside (Traefik's API, Docker's events, Traefik's access log) and judged against the
// pass conditions of ROLLOUT.md "Proving it". The same code judges the real rollouts and the
// negative controls: a control must fail the very checks the real run passes.
import type { Stack } from '../stack.js';
import { waitFor } from '@berth/common/wait-for';
import { readAccessLog, summariseAccess, type AccessSummary } from './access-log.js';
import { splitByIntervals, summarise, type Interval, type WindowSummary } from './latency-stats.js';
import { startLoad, type LoadOptions, type RequestRecord } from './load-generator.js';
import { rollOut, type RolloutEvent, type RolloutRequest, type RolloutView } from './rollout-client.js';
import { watchContainers, watchRoutes } from './route-watch.js';
import { checkEventOrder, checkStopOrder, type EventOrder, type StopOrder } from './unroute-order.js';
import type { ProofTenant } from './proof-tenants.js';

export interface RolloutRun {
  readonly request: RolloutRequest;
  readonly rollout: RolloutView;
  readonly events: RolloutEvent[];
  readonly from: number;
  readonly to: number;
}

export interface PhaseOptions {
  readonly stack: Stack;
  readonly tenants: readonly ProofTenant[];
  readonly load: Omit<LoadOptions, 'targets' | 'maxDurationMs' | 'maxRequests' | 'signal'>;
  /** Requests answered before the first rollout, and again after the last (the steady state). */
  readonly steadyRequests: number;
  readonly rollouts: readonly RolloutRequest[];
  /** Hard bound of the whole phase. */
  readonly maxDurationMs?: number;
  readonly onRollout?: (run: RolloutRun, index: number) => void;
}

export interface PhaseEvidence {
  readonly slugs: string[];
  readonly records: RequestRecord[];
  readonly runs: RolloutRun[];
  readonly stopOrder: StopOrder[];
  readonly eventOrder: EventOrder[];
  readonly access: AccessSummary;
  readonly from: number;
  readonly to: number;
}

export async function runPhase(opts: PhaseOptions): Promise<PhaseEvidence> {
  const { stack } = opts;
  const maxDurationMs = opts.maxDurationMs ?? 20 * 60_000;
  const containers = await watchContainers(stack.instance, stack.network);
  // Polled faster than any settle a correct rollout leaves between unrouting and stopping.
  const routes = watchRoutes(stack.traefikApi, { intervalMs: 10 });
  const from = Date.now();
  const load = startLoad({
    ...opts.load,
    targets: opts.tenants.map((t) => t.target),
    maxDurationMs,
    maxRequests: Math.ceil((opts.load.ratePerS * maxDurationMs) / 1000),
  });
  const runs: RolloutRun[] = [];
  try {
    await waitFor(() => load.records.length >= opts.steadyRequests, { timeoutMs: 120_000, intervalMs: 20, what: 'steady-state requests before the rollouts' });
    for (const request of opts.rollouts) {
      const run = { request, ...(await rollOut(stack, request)) };
      runs.push(run);
      opts.onRollout?.(run, runs.length - 1);
    }
    const after = load.records.length + opts.steadyRequests;
    await waitFor(() => load.records.length >= after, { timeoutMs: 120_000, intervalMs: 20, what: 'steady-state requests after the rollouts' });
  } finally {
    await load.stop();
  }
  const snapshots = await routes.stop();
  const events = await containers.stop();
  const to = Date.now();
  const slugs = opts.tenants.map((t) => t.slug);
  return {
    slugs,
    records: load.records,
    runs,
    stopOrder: checkStopOrder(snapshots, events, containers.urls),
    eventOrder: runs.flatMap((r) => checkEventOrder(r.events)),
    // Traefik writes each entry once the response is done; the load has ended, so all are in.
    access: summariseAccess(readAccessLog(stack.accessLog), slugs, from - 1000, to + 1000),
    from,
    to,
  };
}

export interface PhaseVerdict {
  readonly requests: number;
  readonly failed: number;
  readonly busy: number;
  readonly traefik5xx: number;
  readonly traefikRetries: number;
  readonly stopOrderViolations: number;
  readonly eventOrderViolations: number;
  readonly oldContainersStopped: number;
  /** Stops the rollouts reported that the outside watchers could not judge (incomplete evidence). */
  readonly stopsUnverified: number;
  readonly rolloutsNotDone: string[];
  /** Reads and writes started outside every rollout window. */
  readonly steady: WindowSummary;
  /** Reads and writes started while a rollout ran. */
  readonly rolling: WindowSummary;
  readonly servedBy: number;
  readonly failureSamples: string[];
}

/** Pure: the pass conditions a phase is judged on (writes and integrity are judged by the verifier). */
export function judgePhase(e: PhaseEvidence): PhaseVerdict {
  const windows: Interval[] = e.runs.map((r) => ({ from: r.from, to: r.to }));
  // Latency of reads and writes only: the slow requests last ~400 ms by construction.
  const { inside, outside } = splitByIntervals(e.records.filter((r) => r.kind !== 'slow'), windows);
  const failed = e.records.filter((r) => !r.ok);
  const notDone = e.runs.flatMap((r) =>
    r.rollout.state !== 'done'
      ? [`rollout ${r.rollout.id} ${r.rollout.state}: ${(r.rollout.tenants ?? []).filter((t) => t.state !== 'done').map((t) => `${t.slug} ${t.state} ${t.reason ?? ''}`).join('; ')}`]
      : []);
  return {
    requests: e.records.length,
    failed: failed.length,
    busy: e.records.filter((r) => r.busy).length,
    traefik5xx: e.access.status5xx,
    traefikRetries: e.access.retried,
    stopOrderViolations: e.stopOrder.filter((o) => !o.ok).length,
    eventOrderViolations: e.eventOrder.filter((o) => !o.ok).length,
    oldContainersStopped: e.stopOrder.length,
    stopsUnverified: Math.max(0, e.eventOrder.length - e.stopOrder.length),
    rolloutsNotDone: notDone,
    steady: summarise(outside),
    rolling: summarise(inside),
    servedBy: new Set(e.records.map((r) => r.container).filter(Boolean)).size,
    failureSamples: [...new Set(failed.map((r) => `${r.kind} ${r.status} ${r.errorCode ?? ''} ${r.failure ?? ''}`.slice(0, 200)))].slice(0, 5),
  };
}

/** How many checks a phase failed: what a negative control must make non-zero. */
export function failuresSeen(v: PhaseVerdict): number {
  return v.failed + v.traefik5xx + v.stopOrderViolations + v.eventOrderViolations;
}
