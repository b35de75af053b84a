// Rollout time per tenant at 5 and at 200 tenants. Every route change makes Traefik's file
// provider re-read the whole route directory, so the steps that wait for Traefik (route-both,
// route-new) should grow with the number of tenants; the rest should not. The same 5 tenants
// are rolled (parallel 1, then parallel 2) with 5 tenants on the host, then again after the
// host was filled to 200. Last line: one JSON summary.
//   node --import tsx e2e/bench/rollout-scale.ts      (BENCH_TENANTS=200, BENCH_SAMPLE=5)
import { execFileSync } from 'node:child_process';
import { createApiClient } from '../../control-plane/test/integration/api-client.js';
import { getRollout, rollOut, type RolloutView } from '../src/load/rollout-client.js';
import { request } from '../src/https-client.js';
import { startStack, type Stack } from '../src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { assertImage, percentile, TENANT_IMAGE } from './bench-tools.js';

const TOTAL = Number(process.env.BENCH_TENANTS ?? 200);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 5);

interface StepView { step: string; startedAt: number; endedAt: number | null }
type Detail = Omit<RolloutView, 'tenants'> & { tenants: (NonNullable<RolloutView['tenants']>[number] & { steps: StepView[] })[] };

interface Measure { tenants: number; parallel: number; wallMs: number; perTenantP50: number; perTenantMax: number; routeP50: number; waitReadyP50: number }

async function measure(stack: Stack, total: number, image: string, slugs: string[], parallel: number): Promise<Measure> {
  const { rollout, from, to } = await rollOut(stack, { image, tenants: slugs, parallel }, 900_000);
  if (rollout.state !== 'done') throw new Error(`rollout ${rollout.id} ended ${rollout.state}: ${rollout.error}`);
  const detail = (await getRollout(stack, rollout.id)) as unknown as Detail;
  const per = detail.tenants.map((t) => t.finishedAt! - t.startedAt!);
  const stepMs = (name: string) => detail.tenants.flatMap((t) => t.steps.filter((s) => s.step === name && s.endedAt).map((s) => s.endedAt! - s.startedAt));
  const m = {
    tenants: total, parallel, wallMs: to - from, perTenantP50: percentile(per, 50), perTenantMax: Math.max(...per),
    routeP50: percentile([...stepMs('route-both'), ...stepMs('route-new')], 50), waitReadyP50: percentile(stepMs('wait-ready'), 50),
  };
  console.log(`  ${total} tenants on the host, ${slugs.length} rolled at parallel ${parallel}: ${(m.wallMs / 1000).toFixed(1)} s wall, ` +
    `per tenant p50 ${Math.round(m.perTenantP50)} ms (max ${Math.round(m.perTenantMax)}), Traefik route apply p50 ${Math.round(m.routeP50)} ms, ` +
    `new container ready p50 ${Math.round(m.waitReadyP50)} ms`);
  return m;
}

async function createTenants(stack: Stack, api: ReturnType<typeof createApiClient>, from: number, to: number): Promise<void> {
  const started = Date.now();
  for (let i = from; i < to; i++) await api.createTenant(`scale-${i}`);
  for (let i = from; i < to; i++) {
    await waitFor(async () => (await request(`${stack.tenantUrl(`scale-${i}`)}/__lbheartbeat__`, { agent: stack.agent, timeoutMs: 5000 })).status === 200,
      { timeoutMs: 600_000, intervalMs: 100, what: `scale-${i} serving` });
  }
  console.log(`  created tenants ${from}..${to - 1} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

assertImage();
const stack = await startStack({ env: { BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_STOP_GRACE_S: '10', BERTH_RECONCILE_INTERVAL_MS: '5000' } });
const imageB = `berth/tenant:scale-b-${stack.instance}`;
execFileSync('docker', ['tag', TENANT_IMAGE, imageB]);
try {
  await waitFor(async () => (await request(`${stack.publicUrl}/__lbheartbeat__`, { agent: stack.agent })).status === 200, { timeoutMs: 20_000, what: 'control plane' });
  const api = createApiClient(stack.publicUrl, stack.agent);
  await api.signUp('scale@example.com', 'benchmark password 1');
  console.log(`rollout scale benchmark: roll ${SAMPLE} tenants with ${SAMPLE} and with ${TOTAL} tenants on the host (image ${TENANT_IMAGE})`);
  const sample = Array.from({ length: SAMPLE }, (_, i) => `scale-${i}`);

  await createTenants(stack, api, 0, SAMPLE);
  const small = [await measure(stack, SAMPLE, imageB, sample, 1), await measure(stack, SAMPLE, TENANT_IMAGE, sample, 2)];
  await createTenants(stack, api, SAMPLE, TOTAL);
  const large = [await measure(stack, TOTAL, imageB, sample, 1), await measure(stack, TOTAL, TENANT_IMAGE, sample, 2)];

  const ratio = large[0]!.perTenantP50 / small[0]!.perTenantP50;
  console.log(`per-tenant time at ${TOTAL} vs ${SAMPLE} tenants: ×${ratio.toFixed(2)} (route apply ×${(large[0]!.routeP50 / small[0]!.routeP50).toFixed(2)})`);
  console.log(JSON.stringify({
    bench: 'rollout-scale',
    sample: SAMPLE,
    small_tenants: SAMPLE,
    large_tenants: TOTAL,
    per_tenant_p50_ms_small: Math.round(small[0]!.perTenantP50),
    per_tenant_p50_ms_large: Math.round(large[0]!.perTenantP50),
    route_apply_p50_ms_small: Math.round(small[0]!.routeP50),
    route_apply_p50_ms_large: Math.round(large[0]!.routeP50),
    wall_ms_parallel2_small: Math.round(small[1]!.wallMs),
    wall_ms_parallel2_large: Math.round(large[1]!.wallMs),
  }));
} finally {
  execFileSync('docker', ['rmi', imageB], { stdio: 'ignore' });
  await stack.stop();
}
