// Shared pieces of the provisioning benchmarks: percentiles, the tenant image under test,
// timing until the first HTTPS 200 through Traefik, and the raw `docker run` baseline.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { docker } from '../src/docker-cli.js';
import { request } from '../src/https-client.js';
import type { Stack } from '../src/stack.js';

export const TENANT_IMAGE = process.env.BERTH_BENCH_TENANT_IMAGE ?? 'berth/tenant:current';

export function assertImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', TENANT_IMAGE], { stdio: 'ignore' });
  } catch {
    throw new Error(`image ${TENANT_IMAGE} is missing: run ./berth image (or set BERTH_BENCH_TENANT_IMAGE)`);
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Polls the tenant's unauthenticated liveness path through Traefik (every 10 ms by default) until 200. */
export async function untilServed(stack: Stack, slug: string, startedAt: number, deadlineMs = 30_000, intervalMs = 10): Promise<number> {
  for (;;) {
    const res = await request(`${stack.tenantUrl(slug)}/__lbheartbeat__`, { agent: stack.agent, timeoutMs: 5000 }).catch(() => null);
    if (res?.status === 200) return performance.now() - startedAt;
    if (performance.now() - startedAt > deadlineMs) throw new Error(`${slug} not served within ${deadlineMs} ms (last: ${res?.status ?? 'error'})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/** The baseline: a plain `docker run -d` of the same image, polled directly until its first 200. */
export async function rawDockerRun(network: string, label: string): Promise<number> {
  const started = performance.now();
  const id = await docker('run', '-d', '--label', label, '--network', network, TENANT_IMAGE);
  try {
    const ip = await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id);
    for (;;) {
      if ((await getStatus(`http://${ip}:8080/__lbheartbeat__`)) === 200) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error('baseline container never answered');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await docker('rm', '-f', '-v', id);
  }
}
