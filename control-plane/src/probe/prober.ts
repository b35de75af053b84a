// Keeps the readiness of every running tenant container, by HTTP, on its own schedule:
// a new container is polled every ~25 ms until it answers (fast provisioning), an established
// one every probeIntervalMs (cheap at density). Readiness changes are reported through
// onChange; the reconciler turns them into route changes.
import { probeFailures } from '../metrics/registry.js';
import { createWaker } from '../wait/waker.js';
import { APP_PORT } from '../tenants/container-spec.js';
import { probeHttp, type ProbeResult } from './http-probe.js';

export type Readiness = 'ready' | 'not-ready' | 'unknown';

export interface ProbeTarget {
  readonly id: string;
  readonly ip: string;
}

export interface ReadinessView {
  readonly state: Readiness;
  /** Unix ms of the last state change. */
  readonly since: number;
  readonly detail: string;
}

export interface ProberOptions {
  readonly intervalMs: number;
  /** How long a new container is fast-polled before it is reported not ready. */
  readonly readyTimeoutMs: number;
  readonly onChange: (id: string, view: ReadinessView) => void;
  readonly fastPollMs?: number;
  readonly probeTimeoutMs?: number;
  /** Consecutive failures before a ready container is reported not ready (blips are forgiven). */
  readonly failuresToUnready?: number;
  readonly port?: number;
  /**
   * Established probes are due on whole multiples of this on the wall clock (capped at
   * intervalMs), so the containers due within one slot are probed on one wake-up of the
   * process rather than each at its own phase: at 200 containers every 10 s that is 10 wake-ups
   * a second fewer, each of which costs an idle Node process 0.2-0.4 ms of CPU on this host.
   */
  readonly slotMs?: number;
}

export interface Prober {
  /** Starts fast-polling a container whose start call has returned. */
  watch(target: ProbeTarget): void;
  /** The running containers as last observed; entries older than observedAt and absent are dropped. */
  setTargets(targets: readonly ProbeTarget[], observedAt: number): void;
  /** The container died: its readiness is unknown until probed again. */
  invalidate(id: string): void;
  forget(id: string): void;
  readiness(id: string): ReadinessView;
  run(signal: AbortSignal): Promise<void>;
}

interface Entry {
  ip: string;
  state: Readiness;
  since: number;
  detail: string;
  failures: number;
  nextAt: number;
  addedAt: number;
  fastUntil: number | null;
  inFlight: boolean;
}

export const READINESS_PATH = '/__heartbeat__';
export const LIVENESS_PATH = '/__lbheartbeat__';

export function createProber(opts: ProberOptions): Prober {
  const fastPollMs = opts.fastPollMs ?? 25;
  // Generous for established containers: on a busy host a healthy app can take a second to
  // answer, and every false "not ready" costs a route change, which makes Traefik rebuild its
  // whole configuration (~0.3 s of CPU at 200 tenants). A crashed process is noticed at once
  // anyway, through Docker's die event.
  const probeTimeoutMs = opts.probeTimeoutMs ?? 2000;
  const failuresToUnready = opts.failuresToUnready ?? 3;
  const port = opts.port ?? APP_PORT;
  // A not-ready container is re-checked more often than a healthy one, so it returns quickly.
  const notReadyPollMs = Math.min(opts.intervalMs, 500);
  const slotMs = Math.min(opts.slotMs ?? 1000, opts.intervalMs);
  // The slot boundary nearest one interval from now: never sooner than half a slot early.
  const nextSlot = (now: number) => Math.round((now + opts.intervalMs) / slotMs) * slotMs;
  const entries = new Map<string, Entry>();
  const waker = createWaker();
  const poke = () => waker.wake();

  const fresh = (ip: string, now: number): Entry => ({
    ip, state: 'unknown', since: now, detail: 'not probed yet', failures: 0, nextAt: now, addedAt: now, fastUntil: now + opts.readyTimeoutMs, inFlight: false,
  });
  const transition = (id: string, e: Entry, state: Readiness, detail: string, now: number) => {
    e.detail = detail;
    if (e.state === state) return;
    e.state = state;
    e.since = now;
    opts.onChange(id, { state, since: now, detail });
  };

  const probeOnce = async (id: string, e: Entry, signal: AbortSignal) => {
    e.inFlight = true;
    const fast = e.fastUntil !== null;
    let r: ProbeResult = await probeHttp(e.ip, port, READINESS_PATH, fast ? 500 : probeTimeoutMs, signal);
    if (!r.ok && e.state === 'ready' && !signal.aborted) {
      // Say whether the process is up at all (draining or degraded) or gone.
      const live = await probeHttp(e.ip, port, LIVENESS_PATH, probeTimeoutMs, signal);
      r = { ok: false, detail: `${READINESS_PATH} ${r.detail}; ${LIVENESS_PATH} ${live.detail}` };
    }
    e.inFlight = false;
    if (entries.get(id) !== e || signal.aborted) return;
    const now = Date.now();
    if (!r.ok) probeFailures.inc({ phase: fast ? 'startup' : 'established' });
    if (r.ok) {
      e.failures = 0;
      e.fastUntil = null;
      transition(id, e, 'ready', r.detail, now);
      e.nextAt = nextSlot(now);
    } else if (e.fastUntil !== null && now < e.fastUntil) {
      e.detail = r.detail;
      e.nextAt = now + fastPollMs;
    } else if (e.state === 'ready' && ++e.failures < failuresToUnready) {
      e.nextAt = now + 500;
    } else {
      e.fastUntil = null;
      transition(id, e, 'not-ready', e.state === 'unknown' ? `not ready after ${opts.readyTimeoutMs} ms: ${r.detail}` : r.detail, now);
      e.nextAt = now + notReadyPollMs;
    }
    poke();
  };

  return {
    watch(t) {
      const e = entries.get(t.id);
      if (e && e.ip === t.ip && e.state !== 'not-ready') return;
      entries.set(t.id, fresh(t.ip, Date.now()));
      poke();
    },
    setTargets(targets, observedAt) {
      const seen = new Set<string>();
      const now = Date.now();
      for (const t of targets) {
        seen.add(t.id);
        const e = entries.get(t.id);
        if (!e || e.ip !== t.ip) entries.set(t.id, fresh(t.ip, now));
      }
      for (const [id, e] of entries) if (!seen.has(id) && e.addedAt < observedAt) entries.delete(id);
      poke();
    },
    invalidate(id) {
      const e = entries.get(id);
      if (!e) return;
      const wasReady = e.state === 'ready';
      // Fast-polled like a new container, but 'not-ready' rather than 'unknown': after a
      // restart of the control plane an unprobed routed container keeps its place, a
      // container known to have died must not (its app is not listening yet).
      const next: Entry = { ...fresh(e.ip, Date.now()), state: 'not-ready', detail: 'container died' };
      entries.set(id, next);
      if (wasReady) opts.onChange(id, { state: 'not-ready', since: next.since, detail: 'container died' });
      poke();
    },
    forget(id) {
      entries.delete(id);
    },
    readiness(id) {
      const e = entries.get(id);
      return e ? { state: e.state, since: e.since, detail: e.detail } : { state: 'unknown', since: 0, detail: 'not probed' };
    },
    async run(signal) {
      const inFlight = new Set<Promise<void>>();
      while (!signal.aborted) {
        const now = Date.now();
        let next = now + opts.intervalMs;
        for (const [id, e] of entries) {
          if (e.inFlight) continue;
          if (e.nextAt <= now) {
            const p = probeOnce(id, e, signal).finally(() => inFlight.delete(p));
            inFlight.add(p);
          } else next = Math.min(next, e.nextAt);
        }
        await waker.wait(next - Date.now(), signal);
      }
      await Promise.allSettled(inFlight);
    },
  };
}
