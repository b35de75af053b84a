// The control plane's calls to a tenant container's control endpoints, straight to its
// address on the tenant network (never through Traefik: these requests carry no
// X-Forwarded-For, which is how the tenant app tells them from user traffic). The control
// plane holds no tenant secret, so it asks the running app to act on its own database.
// Every answer is read within TENANT_ANSWER_MAX_BYTES and the call's total deadline.
import { BerthError } from '../errors.js';
import { boundedRequest } from '../http-client/bounded-request.js';
import { APP_PORT } from '../tenants/container-spec.js';

export interface TenantAppState {
  readonly ready: boolean;
  readonly draining: boolean;
  readonly stopping: boolean;
  readonly inflight: number;
  /** CSV imports running (a tenant with one is never hibernated). */
  readonly imports?: number;
}

export interface SnapshotResult {
  readonly file: string;
  readonly bytes: number;
  readonly ms: number;
  readonly removed: readonly string[];
}

export interface TenantAppClient {
  /** VACUUM INTO a new file under /data/snapshots, keeping the newest `keep`. */
  snapshot(ip: string, keep: number, label: string, signal?: AbortSignal): Promise<SnapshotResult>;
  /** Turns the app's readiness red while it keeps serving what still reaches it. */
  drain(ip: string, signal?: AbortSignal): Promise<void>;
  state(ip: string, signal?: AbortSignal): Promise<TenantAppState>;
}

export function createTenantAppClient(port = APP_PORT): TenantAppClient {
  return {
    async snapshot(ip, keep, label, signal) {
      // A large database takes a while to copy; the app answers once the file is complete.
      return (await callJson(ip, port, 'POST', '/__berth/snapshot', { keep, label }, 120_000, signal)) as SnapshotResult;
    },
    async drain(ip, signal) {
      await callJson(ip, port, 'POST', '/__berth/drain', {}, 2000, signal);
    },
    async state(ip, signal) {
      return (await callJson(ip, port, 'GET', '/__berth/state', undefined, 2000, signal)) as TenantAppState;
    },
  };
}

/** The app's control answers are a few hundred bytes of JSON; anything near this is not one. */
export const TENANT_ANSWER_MAX_BYTES = 64 * 1024;

async function callJson(ip: string, port: number, method: string, path: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let res;
  try {
    res = await boundedRequest({
      host: ip, port, path, method, agent: false, signal, body: payload, maxBytes: TENANT_ANSWER_MAX_BYTES, deadlineMs: timeoutMs,
      headers: { connection: 'close', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new BerthError('ROLLOUT_FAILED', `tenant app ${method} ${path} at ${ip}: ${(err as Error).message}`, undefined, { cause: err });
  }
  const text = res.body.toString('utf8');
  if (res.status >= 300) throw new BerthError('ROLLOUT_FAILED', `tenant app ${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new BerthError('ROLLOUT_FAILED', `tenant app ${method} ${path} answered non-JSON: ${text.slice(0, 120)}`);
  }
}
