// The reconcile loop. One pass at a time: read both sides (SQLite and Docker, plus route
// files and readiness), plan, hand each lane of actions to a runner, record status. Lanes run
// in the background so a slow step of one tenant (a stop grace, a route confirmation) never
// delays another tenant's provisioning; a lane that fails is retried with backoff.
import type { Config } from '../config.js';
import type { EgressFirewall } from '../docker/egress-firewall.js';
import { reconcileErrors, reconcilePassSeconds } from '../metrics/registry.js';
import { LABEL } from '../tenants/labels.js';
import { volumeNameFor } from '../tenants/container-spec.js';
import { readAwakeTenants, readTenants } from '../tenants/tenant-store.js';
import { sleep } from '@berth/common/wait-for';
import { backoffMs } from '../wait/backoff.js';
import { createWaker } from '../wait/waker.js';
import type { Lane } from './actions.js';
import { applyAction, type ApplyDeps } from './apply-action.js';
import { createContainerView } from './container-view.js';
import { containersOf } from './tenant-containers.js';
import { plan, type Observed, type PlanConfig } from './plan.js';
import { statusFor, type LaneFailure, type TenantStatus } from './status.js';
import type { StatusStore } from './status-store.js';

export interface ReconcilerDeps extends ApplyDeps {
  readonly config: ApplyDeps['config'] & PlanConfig & Pick<Config, 'reconcileIntervalMs' | 'dockerResyncMs' | 'instance' | 'network' | 'extraLabels'>;
  readonly statusStore: StatusStore;
  readonly egress: EgressFirewall;
  /** Tenants a rollout currently owns; the reconciler leaves them alone. */
  readonly held?: () => ReadonlySet<number>;
}

export interface Reconciler {
  /** Ask for a pass as soon as possible (handlers, events, readiness changes). */
  nudge(): void;
  /** End of the last completed pass (unix ms), or null before the first. */
  lastPassAt(): number | null;
  run(signal: AbortSignal): Promise<void>;
  /** Resolves once no action of this tenant is running (a rollout waits for it after taking the tenant's lock). */
  idle(tenantId: number): Promise<void>;
  /** Docker reported a change of this container (its event stream). */
  containerChanged(id: string): void;
  /** Docker's changes may have been missed (its event stream was down or just subscribed): list everything again. */
  containersMissed(): void;
}

/** Most tenants a quick pass looks at; more are left to the full pass. */
const QUICK_MAX = 16;
/** How long a full pass waits for the lanes a quick pass started (they may take longer: a slow start). */
const QUICK_HEAD_START_MS = 1500;
/**
 * A full pass rests REST_FACTOR times its own duration (at most REST_MAX_MS) before the next,
 * even when nudged. At 10,000 registered tenants a pass takes ~0.15 s of the event loop, and
 * every finished step asks for one: without the rest the control plane planned 10,000 tenants
 * back to back (a profile while sleepers were registered: 98 % busy) and registered ~15
 * containers a second. Quick passes (new and woken tenants) do not wait for it.
 */
const REST_FACTOR = 2;
const REST_MAX_MS = 2000;

interface Failure extends LaneFailure {
  readonly retryAt: number;
}


export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const { config, log } = deps;
  const waker = createWaker();
  const busy = new Map<string, Promise<void>>();
  const finishedAt = new Map<string, number>();
  const failures = new Map<string, Failure>();
  let last: number | null = null;

  const runLane = async (lane: Lane, signal: AbortSignal) => {
    try {
      for (const action of lane.actions) {
        signal.throwIfAborted();
        const started = Date.now();
        await applyAction(deps, action, signal);
        log.debug('action done', { lane: lane.key, action: action.kind, ms: Date.now() - started });
      }
      failures.delete(lane.key);
    } catch (err) {
      if (signal.aborted) return;
      const attempts = (failures.get(lane.key)?.attempts ?? 0) + 1;
      const message = (err as Error).message;
      // The tenant network is made at start; if someone removed it since, make it again before
      // the lane's retry instead of failing every create until the control plane restarts.
      if (/network \S+ not found/i.test(message)) await ensureNetwork(deps, signal);
      failures.set(lane.key, { attempts, message, retryAt: Date.now() + backoffMs(attempts) });
      reconcileErrors.inc({ kind: 'step' });
      log.warn('reconcile step failed; will retry', { lane: lane.key, attempts, err: err as Error });
    } finally {
      busy.delete(lane.key);
      finishedAt.set(lane.key, Date.now());
      waker.wake();
    }
  };

  const dispatch = (lanes: readonly Lane[], observedAt: number, signal: AbortSignal): Promise<void>[] => {
    const now = Date.now();
    const started: Promise<void>[] = [];
    for (const lane of lanes) {
      if (busy.has(lane.key)) continue;
      // Finished after this pass looked at Docker: its effects are not in `observed`; the
      // pass its completion woke will plan it from fresh facts (no double create).
      if ((finishedAt.get(lane.key) ?? 0) >= observedAt) continue;
      if ((failures.get(lane.key)?.retryAt ?? 0) > now) continue;
      const run = runLane(lane, signal);
      busy.set(lane.key, run);
      started.push(run);
    }
    return started;
  };

  // Lanes a quick pass started and that still run (a start, its first route).
  const quickLanes = new Set<Promise<void>>();

  // Tenants with a running container at the last full pass; null before the first one.
  let runningAtLastPass: ReadonlySet<string> | null = null;
  // Full passes and quick passes read containers through this view (container-view.ts): a full
  // list at first, after a missed stretch of events and every resync period; in between only the
  // containers that events and this process's writes named, asked about by id. A write touches
  // its container before it returns, so a lane that finished before a pass looked has its effects
  // in that pass's list (what `dispatch`'s finishedAt rule relies on).
  const view = createContainerView(deps.docker, { resyncMs: config.dockerResyncMs });

  const observedFrom = (containers: Observed['containers'], volumes: Observed['volumes'], routes: Observed['routes']): Observed => ({
    containers, volumes, routes, confirmedRoutes: deps.confirmedRoutes, readiness: (id) => deps.prober.readiness(id),
  });

  /**
   * On each nudge: the tenants that should run but had no running container at the last full
   * pass (a new tenant, a wake) are looked at alone — their containers (from the view, which
   * asks Docker only about what changed: a label filter walks its whole table), volume and
   * route file — and their starts begin at once. A full pass lists every
   * container, volume and route file, which at thousands of registered tenants was a large part
   * of a wake or a provisioning; it still follows, and finds these lanes busy (or finished after
   * it looked). More candidates than QUICK_MAX (a restart, a mass wake) are left to it.
   */
  const quickPass = async (signal: AbortSignal) => {
    if (!runningAtLastPass) return;
    const held = deps.held?.() ?? new Set<number>();
    const running = runningAtLastPass;
    const tenants = readAwakeTenants(deps.db).filter((t) => !running.has(String(t.id)) && !held.has(t.id) && !busy.has(`tenant:${t.id}`));
    if (tenants.length === 0 || tenants.length > QUICK_MAX) return;
    const observedAt = Date.now();
    const [containers, volumes, routes] = await Promise.all([
      view.list().then((all) => tenants.flatMap((t) => containersOf(t.id, all))),
      Promise.all(tenants.map((t) => deps.docker.findVolume(volumeNameFor(t, config)))).then((vs) => vs.filter((v) => v !== null)),
      Promise.all(tenants.map(async (t) => [t.slug, await deps.routes.read(t.slug)] as const)).then(
        (texts) => new Map(texts.filter((e): e is readonly [string, string] => e[1] !== undefined)),
      ),
    ]);
    const lanes = plan({ tenants, observed: observedFrom(containers, volumes, routes), held, now: observedAt, config, partial: true });
    for (const run of dispatch(lanes, observedAt, signal)) {
      quickLanes.add(run);
      void run.finally(() => quickLanes.delete(run));
    }
    if (lanes.length > 0) log.debug('quick pass', { ms: Date.now() - observedAt, tenants: tenants.length, lanes: lanes.length });
  };

  // Quick passes run as soon as a nudge comes (also during a full pass: a lane is dispatched
  // once, whichever pass gets to it first, by `busy` and `finishedAt`), one at a time.
  let runSignal: AbortSignal | null = null;
  let quick: Promise<void> | null = null;
  let quickAgain = false;
  const kickQuick = () => {
    const signal = runSignal;
    if (!signal || signal.aborted) return;
    if (quick) {
      quickAgain = true;
      return;
    }
    quick = (async () => {
      do {
        quickAgain = false;
        try {
          await quickPass(signal);
        } catch (err) {
          // Only a head start: the full pass plans the same tenants.
          if (!signal.aborted) log.debug('quick pass failed', { err: err as Error });
        }
      } while (quickAgain && !signal.aborted);
    })().finally(() => {
      quick = null;
    });
  };

  const pass = async (signal: AbortSignal) => {
    const observedAt = Date.now();
    const [containers, volumes, routes] = await Promise.all([view.list(), deps.docker.listVolumes(), deps.routes.readAll()]);
    const tenants = readTenants(deps.db);
    const runningTenants = containers.filter((c) => c.state === 'running' && c.ip && c.labels[LABEL.role] === 'tenant');
    deps.prober.setTargets(runningTenants.map((c) => ({ id: c.id, ip: c.ip! })), observedAt);
    runningAtLastPass = new Set(runningTenants.map((c) => c.labels[LABEL.tenantId] ?? ''));
    const observed = observedFrom(containers, volumes, routes);
    const held = deps.held?.() ?? new Set<number>();
    const lanes = plan({ tenants, observed, held, now: observedAt, config });
    dispatch(lanes, observedAt, signal);

    const now = Date.now();
    const statuses = new Map<number, TenantStatus>();
    for (const t of tenants) {
      if (!held.has(t.id)) statuses.set(t.id, statusFor(t, observed, failures.get(`tenant:${t.id}`), config));
    }
    deps.statusStore.write(statuses, now);
    for (const key of failures.keys()) if (!lanes.some((l) => l.key === key)) failures.delete(key);
    last = Date.now();
    if (lanes.length > 0) log.debug('pass', { ms: last - observedAt, tenants: tenants.length, containers: containers.length, lanes: lanes.length });
  };

  const nextWakeIn = () => {
    let next = config.reconcileIntervalMs;
    for (const f of failures.values()) next = Math.min(next, f.retryAt - Date.now());
    return Math.max(0, next);
  };

  return {
    nudge: () => {
      kickQuick();
      waker.wake();
    },
    lastPassAt: () => last,
    containerChanged: (id) => view.touch(id),
    containersMissed: () => view.invalidate(),
    // runLane never rejects, so awaiting it only waits.
    idle: async (tenantId) => {
      await busy.get(`tenant:${tenantId}`);
    },
    async run(signal) {
      const unsubscribe = deps.docker.onContainerWrite((w) => view.touch(w.id));
      await ensureNetwork(deps, signal);
      runSignal = signal;
      let passFailures = 0;
      while (!signal.aborted) {
        // A quick pass in flight finishes its look first, and the starts it began get a head
        // start too (up to QUICK_HEAD_START_MS): listing thousands of containers while one
        // starts competes with that start inside dockerd (a wake is waiting for it).
        await quick;
        if (quickLanes.size > 0) await Promise.race([Promise.allSettled(quickLanes), sleep(QUICK_HEAD_START_MS, signal).catch(() => undefined)]);
        const timed = reconcilePassSeconds.startTimer();
        const passStarted = Date.now();
        try {
          await pass(signal);
          passFailures = 0;
        } catch (err) {
          if (signal.aborted) break;
          passFailures++;
          reconcileErrors.inc({ kind: 'pass' });
          log.warn('reconcile pass failed', { attempts: passFailures, err: err as Error });
        } finally {
          timed();
        }
        // Wakes during the rest are kept by the waker and end the wait that follows at once.
        const rest = Math.min(REST_MAX_MS, REST_FACTOR * (Date.now() - passStarted));
        if (rest > 0) await sleep(rest, signal).catch(() => undefined);
        await waker.wait(passFailures > 0 ? backoffMs(passFailures) : nextWakeIn(), signal);
      }
      runSignal = null;
      await quick;
      await Promise.allSettled(busy.values());
      unsubscribe();
    },
  };
}

/**
 * The tenant network must exist before any container, with the egress firewall on its bridge
 * (fail closed: no tenant starts unfenced); retried until both succeed.
 */
async function ensureNetwork(deps: ReconcilerDeps, signal: AbortSignal): Promise<void> {
  const waker = createWaker();
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const network = await deps.docker.ensureNetwork(deps.config.network, { ...deps.config.extraLabels, [LABEL.instance]: deps.config.instance });
      await deps.egress.apply(network.bridge);
      return;
    } catch (err) {
      deps.log.warn('cannot ensure the tenant network yet', { network: deps.config.network, attempt, err: err as Error });
      await waker.wait(backoffMs(attempt), signal);
    }
  }
}
