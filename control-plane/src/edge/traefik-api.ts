// Reads Traefik's API to learn what it has actually applied. Writing a file is a request;
// only the API says the route is live (F2, F6, F11: every wait polls with a deadline).
import { sleep } from '@berth/common/wait-for';
import { BerthError } from '../errors.js';
import { routerNameFor } from '../tenants/route.js';

export interface AppliedService {
  readonly servers: string[];
  /** Per-server status Traefik reports ("UP"/"DOWN"), when it has one. */
  readonly serverStatus: Record<string, string>;
  readonly status: string;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

export interface TraefikApi {
  ping(): Promise<void>;
  /** The applied service of a tenant, or null if Traefik does not have it. */
  appliedService(slug: string): Promise<AppliedService | null>;
  /** Whether Traefik has the tenant's main router enabled. */
  routerEnabled(slug: string): Promise<boolean>;
  /** Resolves once Traefik serves the tenant with exactly these server URLs. */
  waitForRoute(slug: string, expectedUrls: readonly string[], opts?: WaitOptions): Promise<void>;
  /** Resolves once Traefik no longer has the tenant's router. */
  waitForRouteGone(slug: string, opts?: WaitOptions): Promise<void>;
}

export function createTraefikApi(baseUrl: string, requestTimeoutMs = 2000): TraefikApi {
  const get = async (path: string, signal?: AbortSignal): Promise<Response> => {
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    try {
      return await fetch(`${baseUrl}${path}`, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new BerthError('TRAEFIK_UNAVAILABLE', `Traefik API ${path}: ${(err as Error).message}`, undefined, { cause: err });
    }
  };
  const json = async <T>(path: string, signal?: AbortSignal): Promise<T | null> => {
    const res = await get(path, signal);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) throw new BerthError('TRAEFIK_UNAVAILABLE', `Traefik API ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const appliedService = async (slug: string, signal?: AbortSignal): Promise<AppliedService | null> => {
    const body = await json<{ loadBalancer?: { servers?: { url: string }[] }; serverStatus?: Record<string, string>; status?: string }>(
      `/api/http/services/${routerNameFor(slug)}@file`,
      signal,
    );
    if (!body) return null;
    return {
      servers: (body.loadBalancer?.servers ?? []).map((s) => s.url).sort(),
      serverStatus: body.serverStatus ?? {},
      status: body.status ?? 'unknown',
    };
  };
  const routerEnabled = async (slug: string, signal?: AbortSignal): Promise<boolean> => {
    const body = await json<{ status?: string }>(`/api/http/routers/${routerNameFor(slug)}@file`, signal);
    return body?.status === 'enabled';
  };
  return {
    async ping() {
      const res = await get('/ping');
      await res.body?.cancel();
      if (!res.ok) throw new BerthError('TRAEFIK_UNAVAILABLE', `Traefik ping: HTTP ${res.status}`);
    },
    appliedService: (slug) => appliedService(slug),
    routerEnabled: (slug) => routerEnabled(slug),
    async waitForRoute(slug, expectedUrls, opts = {}) {
      const want = [...new Set(expectedUrls)].sort().join(' ');
      let seen = 'nothing';
      await pollUntil(`route t-${slug} with [${want}]`, opts, async (signal) => {
        const svc = await appliedService(slug, signal);
        seen = svc ? `[${svc.servers.join(' ')}]` : 'no service';
        return svc !== null && svc.servers.join(' ') === want && (await routerEnabled(slug, signal));
      }, () => seen);
    },
    async waitForRouteGone(slug, opts = {}) {
      await pollUntil(`route t-${slug} gone`, opts, async (signal) => {
        const body = await json(`/api/http/routers/${routerNameFor(slug)}@file`, signal);
        return body === null;
      }, () => 'router still present');
    },
  };
}

async function pollUntil(what: string, opts: WaitOptions, check: (signal?: AbortSignal) => Promise<boolean>, seen: () => string): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  const pollMs = opts.pollMs ?? 25;
  for (;;) {
    opts.signal?.throwIfAborted();
    if (await check(opts.signal)) return;
    if (Date.now() >= deadline) {
      throw new BerthError('TRAEFIK_UNAVAILABLE', `Traefik did not apply ${what} within ${opts.timeoutMs ?? 5000} ms (saw ${seen()})`);
    }
    await sleep(pollMs, opts.signal);
  }
}
