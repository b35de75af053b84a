// Independent evidence of the order "left the route, then stopped": Traefik's API is polled
// every few tens of milliseconds for the servers of each tenant service, and Docker's event
// stream gives the moment each container was signalled to stop. Neither source is the
// rollout's own account of what it did.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { docker } from '../docker-cli.js';
import { epochNow } from './http-call.js';
import { waitFor } from '@berth/common/wait-for';

/** One poll of Traefik: which server URLs each tenant service had, known true at some point in [sentAt, receivedAt]. */
export interface RouteSnapshot {
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly servers: ReadonlyMap<string, readonly string[]>;
}

export interface RouteWatch {
  readonly snapshots: RouteSnapshot[];
  stop(): Promise<RouteSnapshot[]>;
}

interface ApiService {
  name: string;
  provider?: string;
  loadBalancer?: { servers?: { url: string }[] };
}

/** Polls /api/http/services and keeps a snapshot whenever the tenant services' servers change (plus the poll just before). */
export function watchRoutes(traefikApi: string, opts: { intervalMs?: number; signal?: AbortSignal } = {}): RouteWatch {
  const snapshots: RouteSnapshot[] = [];
  const stopper = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stopper.signal]) : stopper.signal;
  let previousKey = '';
  let previous: RouteSnapshot | undefined;
  const loop = (async () => {
    while (!signal.aborted) {
      const sentAt = epochNow();
      try {
        // A per-poll timeout, not the long-lived signal: fetch leaves a listener on the signal it is given.
        const res = await fetch(`${traefikApi}/api/http/services?per_page=10000`, { signal: AbortSignal.timeout(2000) });
        const list = (await res.json()) as ApiService[];
        const servers = new Map<string, string[]>();
        for (const s of list) {
          if (!s.name.startsWith('t-')) continue;
          servers.set(s.name, (s.loadBalancer?.servers ?? []).map((x) => x.url).sort());
        }
        const snap: RouteSnapshot = { sentAt, receivedAt: epochNow(), servers };
        const key = JSON.stringify([...servers].sort());
        // Keep the last unchanged poll before a change too: it bounds when the change happened.
        if (key !== previousKey) {
          if (previous && snapshots[snapshots.length - 1] !== previous) snapshots.push(previous);
          snapshots.push(snap);
          previousKey = key;
        }
        previous = snap;
      } catch {
        if (signal.aborted) break;
      }
      await delay(opts.intervalMs ?? 25, undefined, { signal }).catch(() => undefined);
    }
    if (previous && snapshots[snapshots.length - 1] !== previous) snapshots.push(previous);
  })();
  return {
    snapshots,
    async stop() {
      stopper.abort();
      await loop;
      return snapshots;
    },
  };
}

export interface ContainerEvent {
  readonly id: string;
  readonly action: string;
  readonly at: number;
  readonly name: string;
  readonly tenant?: string;
}

export interface ContainerWatch {
  /** Server URL (http://<ip>:8080) of each container running at the start or started since. */
  readonly urls: Map<string, string>;
  /** Stops following and returns every container event of the window. */
  stop(): Promise<ContainerEvent[]>;
}

/**
 * Follows `docker events` for the stack's objects: every container event, and each new
 * container's address while it still exists. Collected live, because the daemon keeps only
 * its last 256 events for --since queries. At the end a sentinel container is created (never
 * started): once its event arrives, every earlier event has been delivered (the stream is ordered).
 */
export async function watchContainers(instance: string, network: string, port = 8080): Promise<ContainerWatch> {
  const label = `berth.instance=${instance}`;
  const urls = new Map<string, string>();
  const events: ContainerEvent[] = [];
  const lookups: Promise<void>[] = [];
  const sentinel = `berth-${instance}-events-sentinel-${process.pid}`;
  let sentinelSeen = false;
  const lookUp = (id: string) => {
    lookups.push(docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id)
      .then((ip) => { if (ip) urls.set(id, `http://${ip}:${port}`); })
      .catch(() => undefined));
  };
  const child = spawn('docker', ['events', '--filter', `label=${label}`, '--format', '{{json .}}'], { stdio: ['ignore', 'pipe', 'ignore'] });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.includes(sentinel)) sentinelSeen = true;
    const [e] = parseContainerEvents(line);
    if (!e) return;
    events.push(e);
    if (e.action === 'start') lookUp(e.id);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // A created-never-started container of an image already here: only container events carry labels.
  const image = (await docker('ps', '--filter', `label=${label}`, '--format', '{{.Image}}')).split('\n')[0];
  if (!image) throw new Error(`no running container labelled ${label} to watch`);
  const mark = async (name: string) => {
    sentinelSeen = false;
    const id = await docker('create', '--name', name, '--label', label, '--network', 'none', '--entrypoint', '/never-started', image);
    await waitFor(() => sentinelSeen, { timeoutMs: 10_000, intervalMs: 10, what: 'docker events to deliver the sentinel' });
    await docker('rm', id);
  };
  // The stream is live once it reports an event caused after it started.
  await mark(`${sentinel}-start`);
  for (const id of (await docker('ps', '-q', '--no-trunc', '--filter', `label=${label}`)).split('\n').filter(Boolean)) lookUp(id);
  return {
    urls,
    async stop() {
      await mark(`${sentinel}-end`);
      child.kill('SIGTERM');
      await exited;
      await Promise.all(lookups);
      return events;
    },
  };
}

export function parseContainerEvents(text: string): ContainerEvent[] {
  const events: ContainerEvent[] = [];
  for (const line of text.split('\n')) {
    let e: { Type?: string; id?: string; Action?: string; timeNano?: number; Actor?: { Attributes?: Record<string, string> } };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (e.Type !== 'container' || !e.id || !e.Action) continue;
    const attrs = e.Actor?.Attributes ?? {};
    events.push({ id: e.id, action: e.Action.split(':')[0]!, at: Number(e.timeNano) / 1e6, name: attrs.name ?? '', tenant: attrs['berth.tenant'] });
  }
  return events;
}
