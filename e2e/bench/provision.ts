// ./berth bench provision — sign-up → instance creation through the HTTP API → first HTTPS 200
// from the new instance through Traefik, 20 times; in the same run the baseline of a raw
// `docker run` of the same image until its first HTTP 200. Last line: one JSON summary.
import { readFileSync } from 'node:fs';
import { createApiClient } from '../../control-plane/test/integration/api-client.js';
import { docker } from '../src/docker-cli.js';
import { request } from '../src/https-client.js';
import { startStack } from '../src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { assertImage, percentile, rawDockerRun, TENANT_IMAGE, untilServed } from './bench-tools.js';

const N = Number(process.env.BENCH_N ?? 20);

/** Where the time went, from the control plane's log: median of each step over all runs. */
function printBreakdown(logDir: string, marks: { slug: string; apiAt: number; servedAt: number }[]): void {
  const lines = readFileSync(`${logDir}/control-plane.log`, 'utf8').split('\n').filter(Boolean).map((l) => {
    try {
      return JSON.parse(l) as { time: string; msg: string; tenant?: string; id?: string; ms?: number; state?: string; servers?: string[] };
    } catch {
      return null;
    }
  }).filter((l) => l !== null);
  const steps: Record<string, number[]> = { 'request → start call': [], 'docker create+start': [], 'start → app ready': [], 'ready → route written': [], 'route written → first 200': [] };
  for (const m of marks) {
    const started = lines.find((l) => l.msg === 'container started' && l.tenant === m.slug);
    const ready = started && lines.find((l) => l.msg === 'readiness changed' && l.state === 'ready' && started.id?.startsWith(l.id ?? '-'));
    const routed = lines.find((l) => l.msg === 'route written' && l.tenant === m.slug && (l.servers?.length ?? 0) > 0);
    if (!started || !ready || !routed) continue;
    const at = (l: { time: string }) => Date.parse(l.time);
    steps['request → start call']!.push(at(started) - started.ms! - m.apiAt);
    steps['docker create+start']!.push(started.ms!);
    steps['start → app ready']!.push(at(ready) - at(started));
    steps['ready → route written']!.push(at(routed) - at(ready));
    steps['route written → first 200']!.push(m.servedAt - at(routed));
  }
  console.log(`  median per step: ${Object.entries(steps).map(([k, v]) => `${k} ${v.length ? percentile(v, 50).toFixed(0) : '?'} ms`).join('; ')}`);
}

assertImage();
// Every sign-up arrives from 127.0.0.1, so the per-address sign-up limit must cover all N.
const stack = await startStack({ env: { BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_SIGNUP_LIMIT_PER_ADDRESS: String(Math.max(N, 1)) } });
try {
  await waitFor(async () => (await request(`${stack.publicUrl}/__lbheartbeat__`, { agent: stack.agent })).status === 200, { timeoutMs: 20_000, what: 'control plane through Traefik' });
  console.log(`provision benchmark: ${N} sign-ups + instances, image ${TENANT_IMAGE}, instance ${stack.instance}`);

  const times: number[] = [];
  const marks: { slug: string; apiAt: number; servedAt: number }[] = [];
  for (let i = 0; i < N; i++) {
    const api = createApiClient(stack.publicUrl, stack.agent);
    const s0 = performance.now();
    await api.signUp(`bench${i}@example.com`, 'benchmark password 1');
    const signUpMs = performance.now() - s0;
    const slug = `bench-${i}`;
    const started = performance.now();
    await api.createTenant(slug);
    const apiMs = performance.now() - started;
    const apiAt = Date.now() - (performance.now() - started);
    const ms = await untilServed(stack, slug, started);
    times.push(ms);
    marks.push({ slug, apiAt, servedAt: apiAt + ms });
    console.log(`  ${slug}: first HTTPS 200 after ${ms.toFixed(0)} ms (create request ${apiMs.toFixed(0)} ms; sign-up ${signUpMs.toFixed(0)} ms)`);
  }

  // Baseline with the same image on the same network, in the same run.
  await docker('network', 'inspect', stack.network);
  const baseline: number[] = [];
  for (let i = 0; i < Math.min(N, 10); i++) baseline.push(await rawDockerRun(stack.network, `berth.instance=${stack.instance}`));
  console.log(`  baseline docker run → first 200: ${baseline.map((b) => b.toFixed(0)).join(', ')} ms`);

  printBreakdown(stack.logDir, marks);
  const p50 = Math.round(percentile(times, 50));
  const p95 = Math.round(percentile(times, 95));
  const baselineP50 = Math.round(percentile(baseline, 50));
  console.log(`sign-up → HTTPS 200: p50 ${p50} ms, p95 ${p95} ms (target p50 ≤ 1000, p95 ≤ 1500); raw docker run p50 ${baselineP50} ms`);
  console.log(JSON.stringify({ bench: 'provision', n: N, p50_ms: p50, p95_ms: p95, baseline_p50_ms: baselineP50 }));
} finally {
  await stack.stop();
}
