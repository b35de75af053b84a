// Where a just-started tenant answers, from the moment its container is ready until Traefik
// serves its route. A tenant without a route of its own (asleep, waking, brand new) is reached
// through the control plane's waker (http/wake-routes.ts); with the address recorded here the
// waker forwards the request itself (http/wake-proxy.ts) instead of waiting for Traefik to apply
// the route (~0.2 s at 200 routes, rebuilt whole on every change) and answering a 307 the client
// repeats, as Knative's activator holds and forwards the first requests of a revision scaled
// from zero. Written by the step that started the container (the lease holder), read by any web
// process's waker; a row counts only within the awake period it was written in, and goes when
// its container is stopped or removed.
import type { Db } from '../db/open-database.js';

export function recordUpstream(db: Db, slug: string, containerId: string, url: string, now: number): void {
  db.prepare(
    `INSERT INTO wake_upstreams (tenant_id, url, container_id, ready_at) SELECT id, ?, ?, ? FROM tenants WHERE slug = ?
     ON CONFLICT (tenant_id) DO UPDATE SET url = excluded.url, container_id = excluded.container_id, ready_at = excluded.ready_at`,
  ).run(url, containerId, now, slug);
}

export function forgetUpstream(db: Db, containerId: string): void {
  db.prepare('DELETE FROM wake_upstreams WHERE container_id = ?').run(containerId);
}

/** The ready address of an awake tenant's container started since it last woke, or null. */
export function readyUpstream(db: Db, slug: string): string | null {
  const row = db
    .prepare(
      `SELECT u.url FROM wake_upstreams u JOIN tenants t ON t.id = u.tenant_id
        WHERE t.slug = ? AND t.desired_state = 'running' AND t.asleep = 0 AND u.ready_at >= COALESCE(t.asleep_changed_at, 0)`,
    )
    .get(slug) as { url: string } | undefined;
  return row?.url ?? null;
}
