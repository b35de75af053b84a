// Waking a hibernated tenant: mark it desired awake, nudge the reconciler, and wait until
// Traefik's API lists its route with a ready container (the route only ever lists ready ones).
// One wake per tenant at a time: concurrent first requests share it (single flight).
import { sleep } from '@berth/common/wait-for';
import type { Logger } from '@berth/common/logger';
import type { Db } from '../db/open-database.js';
import type { TraefikApi } from '../edge/traefik-api.js';
import { wakes, wakeSeconds } from '../metrics/registry.js';
import { findRunningTenant, markAwake } from '../tenants/tenant-store.js';

export type WakeOutcome =
  /** Traefik serves the tenant now; `woke` when this flight is the one that woke it. */
  | { readonly kind: 'ready'; readonly woke: boolean; readonly ms: number }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'timeout'; readonly detail: string };

export interface Wakes {
  /** Wakes the tenant if asleep and resolves once it is served (or the deadline passed). */
  wakeAndWait(slug: string, actor: string): Promise<WakeOutcome>;
  /** Marks the tenant awake and nudges, without waiting (the dashboard's button); false if no such running tenant. */
  request(slug: string, actor: string): boolean;
}

export interface WakeDeps {
  readonly db: Db;
  readonly traefik: Pick<TraefikApi, 'appliedService' | 'routerEnabled'>;
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

  const fly = async (slug: string, actor: string): Promise<WakeOutcome> => {
    const tenant = findRunningTenant(deps.db, slug);
    if (!tenant) return { kind: 'not-found' };
    const started = Date.now();
    const woke = tenant.asleep && markAndNudge(tenant.id, slug, actor);
    if (!woke) deps.nudge();
    const deadline = started + deps.readyTimeoutMs;
    let last = 'no route yet';
    for (;;) {
      try {
        if (await served(slug)) break;
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
      deps.log.info('tenant woken', { tenant: slug, ms });
    }
    return { kind: 'ready', woke, ms };
  };

  return {
    wakeAndWait(slug, actor) {
      let flight = flights.get(slug);
      if (!flight) {
        flight = fly(slug, actor).finally(() => flights.delete(slug));
        flights.set(slug, flight);
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
