// Traefik's JSON access log as evidence: for the tenant routers in a time window, how many
// requests Traefik answered with a 5xx and how many it had to retry. The parsing is pure; the
// one reader reads the whole file (bench-sized logs).
import { readFileSync, existsSync } from 'node:fs';

export interface AccessEntry {
  readonly router: string;
  readonly downstreamStatus: number;
  readonly originStatus: number;
  readonly retryAttempts: number;
  readonly startedAt: number;
  readonly serviceUrl: string;
  readonly path: string;
}

export function parseAccessLog(text: string): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line being written at the moment of reading
    }
    out.push({
      router: String(e.RouterName ?? ''),
      downstreamStatus: Number(e.DownstreamStatus ?? 0),
      originStatus: Number(e.OriginStatus ?? 0),
      retryAttempts: Number(e.RetryAttempts ?? 0),
      startedAt: Date.parse(String(e.StartUTC ?? '')),
      serviceUrl: String(e.ServiceURL ?? ''),
      path: String(e.RequestPath ?? ''),
    });
  }
  return out;
}

/** The routers of a tenant's route file: t-<slug>, t-<slug>.health (and .sso, served by the control plane). */
export function isTenantRouter(router: string, slugs: readonly string[]): boolean {
  // Everything up to the first dot is the slug (slugs have no dots): t-a-b is tenant a-b's, never a's.
  const slug = /^t-([a-z0-9-]+)(?:\.[a-z]+)?(?:@.*)?$/.exec(router)?.[1];
  return slug !== undefined && slugs.includes(slug);
}

export interface AccessSummary {
  readonly requests: number;
  readonly status5xx: number;
  readonly retried: number;
  readonly byStatus: Record<string, number>;
  readonly samples5xx: AccessEntry[];
}

export function summariseAccess(entries: readonly AccessEntry[], slugs: readonly string[], from: number, to: number): AccessSummary {
  const mine = entries.filter((e) => isTenantRouter(e.router, slugs) && e.startedAt >= from && e.startedAt <= to);
  const byStatus: Record<string, number> = {};
  for (const e of mine) byStatus[e.downstreamStatus] = (byStatus[e.downstreamStatus] ?? 0) + 1;
  const bad = mine.filter((e) => e.downstreamStatus >= 500);
  return { requests: mine.length, status5xx: bad.length, retried: mine.filter((e) => e.retryAttempts > 0).length, byStatus, samples5xx: bad.slice(0, 5) };
}

export function readAccessLog(path: string): AccessEntry[] {
  return existsSync(path) ? parseAccessLog(readFileSync(path, 'utf8')) : [];
}
