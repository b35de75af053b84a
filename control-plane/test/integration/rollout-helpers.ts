// Shared pieces of the rollout integration tests: a stack whose control plane runs the
// rollout runner, the operator-token API client, a steady trickle of requests through
// Traefik that counts failures, and what Docker says about a tenant's containers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../../../e2e/src/docker-cli.js';
import { request } from '../../../e2e/src/https-client.js';
import { startStack, type Stack } from '../../../e2e/src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { createApiClient, type ApiClient } from './api-client.js';
import { assertImageExists, TENANT_IMAGE } from './harness.js';

export interface RolloutStack {
  readonly stack: Stack;
  readonly api: ApiClient;
  /** A second reference to the tenant image: rolling to it replaces every container. */
  readonly imageB: string;
  // Test JSON is checked field by field with assert; a full type per response would only repeat the schemas.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

export async function startRolloutStack(env: Record<string, string> = {}): Promise<RolloutStack> {
  assertImageExists();
  const stack = await startStack({
    env: {
      BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_STOP_GRACE_S: '5', BERTH_PROBE_INTERVAL_MS: '500', BERTH_RECONCILE_INTERVAL_MS: '1000',
      BERTH_ROLLOUT_SETTLE_MS: '300', BERTH_LOG_LEVEL: 'debug',
      // A loaded CI host can take well over the 30 s default to start a Node container.
      BERTH_READY_TIMEOUT_MS: '90000', ...env,
    },
  });
  const imageB = `berth/tenant:rollout-b-${stack.instance}`;
  execFileSync('docker', ['tag', TENANT_IMAGE, imageB]);
  const api = createApiClient(stack.publicUrl, stack.agent);
  await waitFor(async () => (await request(`${stack.publicUrl}/__lbheartbeat__`, { agent: stack.agent })).status === 200, { timeoutMs: 20_000, what: 'control plane via Traefik' });
  const admin = `ops-${stack.instance}@example.com`;
  await api.signUp(admin, 'a long enough password');
  const rs: RolloutStack = {
    stack, api, imageB,
    async call(method, path, body) {
      // Read at each call: the control plane writes a new token at every start.
      const token = readFileSync(join(stack.dir, 'state', 'operator.token'), 'utf8').trim();
      const res = await fetch(`${stack.cpUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json() };
    },
    async stop() {
      await stack.stop();
      execFileSync('docker', ['rmi', imageB], { stdio: 'ignore' });
    },
  };
  // Nobody is an admin by signing up: the operator grants it, as ./berth admin add does.
  const granted = await rs.call('PUT', `/api/v1/admins/${encodeURIComponent(admin)}`);
  if (granted.status !== 200) throw new Error(`granting admin to ${admin}: HTTP ${granted.status}`);
  return rs;
}

export async function createRunningTenants(rs: RolloutStack, slugs: readonly string[]): Promise<void> {
  for (const slug of slugs) await rs.api.createTenant(slug);
  for (const slug of slugs) {
    await waitFor(async () => (await request(`${rs.stack.tenantUrl(slug)}/__lbheartbeat__`, { agent: rs.stack.agent })).status === 200, { timeoutMs: 90_000, what: `${slug} serving` });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function waitForRollout(rs: RolloutStack, id: number, timeoutMs = 120_000): Promise<any> {
  return waitFor(async () => {
    const r = await rs.call('GET', `/api/v1/rollouts/${id}`);
    return ['done', 'failed', 'cancelled'].includes(r.json.state) ? r.json : null;
  }, { timeoutMs, intervalMs: 200, what: `rollout ${id} to finish` });
}

/** Running containers of a tenant: id and image reference. */
export async function runningContainers(stack: Stack, slug: string): Promise<{ id: string; image: string }[]> {
  const out = await docker('ps', '--filter', `label=berth.instance=${stack.instance}`, '--filter', `label=berth.tenant=${slug}`, '--format', '{{.ID}} {{.Label "berth.image"}}');
  return out.split('\n').filter(Boolean).map((l) => {
    const [id, image] = l.split(' ');
    return { id: id!, image: image! };
  });
}

export interface Trickle {
  /** Stops and reports: requests made, failures (non-200 or transport errors) with a sample, and containers that answered. */
  stop(): Promise<{ requests: number; failures: number; bySlug: Map<string, number>; samples: string[]; containers: Set<string> }>;
}

/** Requests through Traefik to each tenant in turn, one at a time, bounded in count and time. */
export function startTrickle(stack: Stack, slugs: readonly string[], maxRequests = 20_000, maxMs = 180_000): Trickle {
  let stopped = false;
  let requests = 0;
  let failures = 0;
  const samples: string[] = [];
  const bySlug = new Map<string, number>();
  const failed = (slug: string, what: string) => {
    failures++;
    bySlug.set(slug, (bySlug.get(slug) ?? 0) + 1);
    if (samples.length < 5) samples.push(`${slug}: ${what}`);
  };
  const containers = new Set<string>();
  const started = Date.now();
  const loop = (async () => {
    while (!stopped && requests < maxRequests && Date.now() - started < maxMs) {
      const slug = slugs[requests % slugs.length]!;
      requests++;
      try {
        const res = await request(`${stack.tenantUrl(slug)}/__lbheartbeat__`, { agent: stack.agent, timeoutMs: 5000 });
        if (res.status !== 200) failed(slug, `HTTP ${res.status} ${res.body.trim().slice(0, 80)}`);
        else containers.add(String(res.headers['x-berth-container']));
      } catch (err) {
        failed(slug, (err as Error).message);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { requests, failures, bySlug, samples, containers };
    },
  };
}
