// Waking a hibernated tenant: mark it desired awake, nudge the reconciler, and wait until its
// container is ready (wake-upstreams.ts: the requests are then forwarded to it) or Traefik's API
// lists its route with a ready container (the route only ever lists ready ones), whichever is
// first; the address is recorded before the route is written, so it is normally the first.
// One wake per tenant at a time: concurrent first requests share it (single flight).
import { sleep } from '@berth/common/wait-for';
import type { Logger } from '@berth/common/logger';
import type { Db } from '../db/open-database.js';
import type { TraefikApi } from '../edge/traefik-api.js';
import { wakes, wakeSeconds } from '../metrics/registry.js';
import { findRunningTenant, markAwake } from '../tenants/tenant-store.js';

export type WakeOutcome =
  /**
   * Ready; `woke` when this flight is the one that woke it. With `upstream`, the container's
   * address (Traefik may not serve its route yet); without, Traefik serves the tenant now.
   */
  | { readonly kind: 'ready'; readonly woke: boolean; readonly ms: number; readonly upstream?: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'timeout'; readonly detail: string };

export interface Wakes {
  /**
   * Wakes the tenant if asleep and resolves once it is ready (or the deadline passed). `routed`:
   * only once Traefik serves it (when its recorded address did not answer).
   */
  wakeAndWait(slug: string, actor: string, opts?: { readonly routed?: boolean }): Promise<WakeOutcome>;
  /** Marks the tenant awake and nudges, without waiting (the dashboard's button); false if no such running tenant. */
  request(slug: string, actor: string): boolean;
}

export interface WakeDeps {
  readonly db: Db;
  readonly traefik: Pick<TraefikApi, 'appliedService' | 'routerEnabled'>;
  /** The tenant's ready container recorded since it woke, if any (wake-upstreams.ts readyUpstream). */
  readonly upstream: (slug: string) => string | null;
  readonly nudge: () => void;
  readonly log: Logger;
  /** How long a wake may take before the request gets 503 + Retry-After (BERTH_READY_TIMEOUT_MS). */
  readonly readyTimeoutMs: number;
}

const POLL_MS = 25;

export function createWakes(deps: WakeDeps): Wakes {
  const flights = new Map<string, Promise<WakeOutcome>>();

  const markAndNudge = (id: number, slug: string, actor: string): boolean => {
    const woke = markAwake(deps.db, id, actor, Date.now());
    if (woke) {
      wakes.inc();
      deps.log.info('waking a hibernated tenant', { tenant: slug, by: actor });
    }
    deps.nudge();
    return woke;
  };

  const served = async (slug: string): Promise<boolean> => {
    const svc = await deps.traefik.appliedService(slug);
    return svc !== null && svc.servers.length > 0 && (await deps.traefik.routerEnabled(slug));
  };

  const fly = async (slug: string, actor: string, routed: boolean): Promise<WakeOutcome> => {
    const tenant = findRunningTenant(deps.db, slug);
    if (!tenant) return { kind: 'not-found' };
    const started = Date.now();
    const woke = tenant.asleep && markAndNudge(tenant.id, slug, actor);
    if (!woke) deps.nudge();
    const deadline = started + deps.readyTimeoutMs;
    let last = 'no route yet';
    let upstream: string | null = null;
    for (;;) {
      try {
        upstream = routed ? null : deps.upstream(slug);
        if (upstream !== null || (await served(slug))) break;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() >= deadline) {
        deps.log.warn('a wake did not finish in time', { tenant: slug, ms: Date.now() - started, last });
        return { kind: 'timeout', detail: last };
      }
      await sleep(POLL_MS);
    }
    const ms = Date.now() - started;
    if (woke) {
      wakeSeconds.observe(ms / 1000);
      deps.log.info('tenant woken', { tenant: slug, ms, via: upstream === null ? 'traefik' : 'upstream' });
    }
    return upstream === null ? { kind: 'ready', woke, ms } : { kind: 'ready', woke, ms, upstream };
  };

  return {
    wakeAndWait(slug, actor, opts) {
      const routed = opts?.routed === true;
      const key = routed ? `${slug}\0routed` : slug;
      let flight = flights.get(key);
      if (!flight) {
        flight = fly(slug, actor, routed).finally(() => flights.delete(key));
        flights.set(key, flight);
      }
      return flight;
    },
    request(slug, actor) {
      const tenant = findRunningTenant(deps.db, slug);
      if (!tenant) return false;
      if (tenant.asleep) markAndNudge(tenant.id, slug, actor);
      return true;
    },
  };
}
