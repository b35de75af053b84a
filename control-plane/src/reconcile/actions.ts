// What the reconciler can do to the world. plan() produces these; apply-action.ts performs them.
import type { ContainerSpec } from '../tenants/container-spec.js';
import type { Labels } from '../tenants/labels.js';
import type { RouteDocument } from '../tenants/route.js';

export type Action =
  | { readonly kind: 'ensure-volume'; readonly slug: string; readonly name: string; readonly labels: Labels }
  /**
   * firstRoute: the tenant has no route file and no ready server, so once this container is ready
   * the same step writes its route and waits for Traefik to confirm it, instead of leaving that
   * to the pass its readiness sets off (a pass lists every container: ~0.5 s at 2,000 registered,
   * paid by every provisioning and wake).
   */
  | { readonly kind: 'run-container'; readonly slug: string; readonly spec: ContainerSpec; readonly firstRoute: boolean }
  | { readonly kind: 'start-container'; readonly slug: string; readonly containerId: string; readonly firstRoute: boolean }
  /**
   * A sleeper's container of the desired spec, created and left stopped: its wake is then a
   * start. With `volume`, that volume is ensured first, in the same bounded step.
   */
  | { readonly kind: 'create-container'; readonly slug: string; readonly spec: ContainerSpec; readonly volume?: { readonly name: string; readonly labels: Labels } }
  /** confirm: wait until Traefik's API shows exactly these servers (required before a server's container is removed). */
  | { readonly kind: 'write-route'; readonly slug: string; readonly doc: RouteDocument; readonly text: string; readonly servers: readonly string[] }
  | { readonly kind: 'confirm-route'; readonly slug: string; readonly text: string; readonly servers: readonly string[] }
  /** confirmGone: wait until Traefik's API no longer has the router (before a container of it is stopped). */
  | { readonly kind: 'remove-route'; readonly slug: string; readonly reason: string; readonly confirmGone?: boolean }
  /** Stops a hibernating tenant's container through its graceful path; the container and volume stay. */
  | { readonly kind: 'stop-container'; readonly slug: string; readonly containerId: string; readonly name: string; readonly reason: string }
  | { readonly kind: 'remove-container'; readonly slug: string | null; readonly containerId: string; readonly name: string; readonly reason: string }
  | { readonly kind: 'purge-volume'; readonly tenantId: number; readonly slug: string; readonly name: string };

export type ActionKind = Action['kind'];

/**
 * Actions that must run in order (one tenant's, or one orphan's). Lanes run concurrently;
 * a lane whose previous run is still busy is skipped and re-planned on the next pass.
 */
export interface Lane {
  readonly key: string;
  readonly tenantId: number | null;
  readonly actions: readonly Action[];
}
