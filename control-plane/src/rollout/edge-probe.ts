// Step 5 of ROLLOUT.md: ask through Traefik, as users do, until the new container has
// answered at least once and nothing failed. The tenant app names the container that served
// each answer in X-Berth-Container (its short id), so old and new are told apart.
import https from 'node:https';
import type { Config } from '../config.js';
import { BerthError } from '../errors.js';
import { boundedRequest } from '../http-client/bounded-request.js';
import { hostFor } from '../tenants/route.js';

export interface EdgeProbeResult {
  readonly requests: number;
  readonly fromNew: number;
  readonly fromOthers: number;
}

export interface EdgeProbeOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Answers wanted in total (so both servers get a chance to fail), at least one from the new container. */
  readonly minRequests?: number;
  readonly maxRequests?: number;
}

export type EdgeProber = (slug: string, newContainerId: string, opts: EdgeProbeOptions) => Promise<EdgeProbeResult>;

/**
 * Probes Traefik's websecure entrypoint on loopback with the tenant's name as SNI and Host.
 * The certificate is not verified: this checks routing on our own loopback Traefik, and the
 * certificate may come from any CA (the project's local one, or a public one in production).
 */
export function createEdgeProber(config: Pick<Config, 'domain' | 'publicHttpsPort'>, address = '127.0.0.1'): EdgeProber {
  return async (slug, newContainerId, opts) => {
    const minRequests = opts.minRequests ?? 6;
    const maxRequests = opts.maxRequests ?? 200;
    const deadline = Date.now() + opts.timeoutMs;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
    const host = hostFor(slug, config);
    let fromNew = 0;
    let requests = 0;
    try {
      while (requests < maxRequests && Date.now() < deadline) {
        opts.signal?.throwIfAborted();
        const { status, container } = await getOnce(agent, address, config.publicHttpsPort, host, Math.max(100, deadline - Date.now()), opts.signal);
        requests++;
        if (status !== 200) throw new BerthError('ROLLOUT_FAILED', `probe through Traefik got HTTP ${status} (from ${container ?? 'no container'})`);
        if (container && newContainerId.startsWith(container)) fromNew++;
        if (fromNew > 0 && requests >= minRequests) return { requests, fromNew, fromOthers: requests - fromNew };
      }
      throw new BerthError('ROLLOUT_FAILED', `no answer from the new container through Traefik in ${requests} requests`);
    } finally {
      agent.destroy();
    }
  };
}

/** The tenant's /__lbheartbeat__ answer is a few bytes; nothing longer is read. */
export const EDGE_ANSWER_MAX_BYTES = 16 * 1024;

async function getOnce(agent: https.Agent, address: string, port: number, host: string, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number; container: string | null }> {
  try {
    const res = await boundedRequest({
      protocol: 'https', host: address, port, path: '/__lbheartbeat__', servername: host, headers: { host }, agent, signal,
      maxBytes: EDGE_ANSWER_MAX_BYTES, deadlineMs: timeoutMs,
    });
    const c = res.headers['x-berth-container'];
    return { status: res.status, container: typeof c === 'string' && c.length >= 12 ? c : null };
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new BerthError('ROLLOUT_FAILED', `probe through Traefik failed: ${(err as Error).message}`, undefined, { cause: err });
  }
}
