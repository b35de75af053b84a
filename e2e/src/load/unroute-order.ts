// Pure check of "each old container left Traefik's route before it was stopped", from the
// route snapshots (Traefik's API) and Docker's container events.
import type { ContainerEvent, RouteSnapshot } from './route-watch.js';

export interface StopOrder {
  readonly container: string;
  readonly url: string;
  readonly stoppedAt: number;
  /** When a poll that had finished by then showed the URL absent after its last presence; undefined if none did. */
  readonly unroutedBy?: number;
  readonly ok: boolean;
}

/** Docker's first sign that a container is being stopped: the stop signal (kill), or die. */
export function stopTimes(events: readonly ContainerEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.action !== 'kill' && e.action !== 'die' && e.action !== 'stop') continue;
    const prev = out.get(e.id);
    if (prev === undefined || e.at < prev) out.set(e.id, e.at);
  }
  return out;
}

function present(s: RouteSnapshot, url: string): boolean {
  for (const urls of s.servers.values()) if (urls.includes(url)) return true;
  return false;
}

/**
 * For every stopped container whose address was ever in a route before it was stopped: the
 * route must have been seen without it, by a poll that completed no later than the stop.
 * Containers never routed (e.g. a new container that failed readiness) are not judged.
 */
export function checkStopOrder(snapshots: readonly RouteSnapshot[], events: readonly ContainerEvent[], urls: ReadonlyMap<string, string>): StopOrder[] {
  const out: StopOrder[] = [];
  for (const [id, stoppedAt] of stopTimes(events)) {
    const url = urls.get(id);
    if (!url) continue;
    const before = snapshots.filter((s) => s.sentAt < stoppedAt);
    let lastPresent = -1;
    before.forEach((s, i) => { if (present(s, url)) lastPresent = i; });
    if (lastPresent === -1) continue;
    const gone = before.slice(lastPresent + 1).find((s) => !present(s, url) && s.receivedAt <= stoppedAt);
    out.push({ container: id.slice(0, 12), url, stoppedAt, unroutedBy: gone?.receivedAt, ok: gone !== undefined });
  }
  return out;
}

export interface EventOrder {
  readonly slug: string;
  readonly unroutedAt?: number;
  readonly stopCalledAt: number;
  readonly ok: boolean;
}

/** The rollout's own account: every 'old-stop-called' milestone must follow that tenant's 'old-unrouted'. */
export function checkEventOrder(events: readonly { slug: string | null; at: number; step: string; phase: string }[]): EventOrder[] {
  const out: EventOrder[] = [];
  const unrouted = new Map<string, number>();
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.phase !== 'milestone' || !e.slug) continue;
    if (e.step === 'old-unrouted') unrouted.set(e.slug, e.at);
    if (e.step === 'old-stop-called') {
      const at = unrouted.get(e.slug);
      out.push({ slug: e.slug, unroutedAt: at, stopCalledAt: e.at, ok: at !== undefined && at < e.at });
      unrouted.delete(e.slug);
    }
  }
  return out;
}
