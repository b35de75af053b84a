// The control plane's calls to a tenant container's control endpoints, straight to its
// address on the tenant network (never through Traefik: these requests carry no
// X-Forwarded-For, which is how the tenant app tells them from user traffic). The control
// plane holds no tenant secret, so it asks the running app to act on its own database.
import http from 'node:http';
import { BerthError } from '../errors.js';
import { APP_PORT } from '../tenants/container-spec.js';

export interface TenantAppState {
  readonly ready: boolean;
  readonly draining: boolean;
  readonly stopping: boolean;
  readonly inflight: number;
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

function callJson(ip: string, port: number, method: string, path: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: ip, port, path, method, agent: false, signal, timeout: timeoutMs,
        headers: { connection: 'close', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) {
            return reject(new BerthError('ROLLOUT_FAILED', `tenant app ${method} ${path} answered HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          }
          try {
            resolve(text ? JSON.parse(text) : {});
          } catch {
            reject(new BerthError('ROLLOUT_FAILED', `tenant app ${method} ${path} answered non-JSON: ${text.slice(0, 120)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (signal?.aborted) return reject(signal.reason);
      reject(new BerthError('ROLLOUT_FAILED', `tenant app ${method} ${path} at ${ip}: ${err.code ?? err.message}`));
    });
    req.end(payload);
  });
}
