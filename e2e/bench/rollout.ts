// ./berth bench rollout — the proof of ROLLOUT.md "Proving it", at size: M tenants under
// constant load over TLS through their real hostnames (reads, acknowledged writes with unique
// (client, sequence) pairs, slow uploads), R rollouts back and forth between two image
// versions with several tenants rolling at once, then the three negative controls in the same
// harness. Exits non-zero if any pass condition fails or any control goes unnoticed.
//   node --import tsx e2e/bench/rollout.ts [--tenants 5] [--rollouts 10] [--rate 100]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REPO_ROOT, startStack, type Stack } from '../src/stack.js';
import { buildDerivedImage, removeImage } from '../src/load/derived-image.js';
import { provisionTenants, type ProofTenant } from '../src/load/proof-tenants.js';
import { failuresSeen, judgePhase, runPhase, type PhaseVerdict, type RolloutRun } from '../src/load/proof-phase.js';
import type { RolloutRequest } from '../src/load/rollout-client.js';
import { trickledUpload } from '../src/load/slow-requests.js';
import { verifyTenants, type TenantWrites } from '../src/load/verify-tenants.js';
import type { WriteLedger } from '../src/load/write-ledger.js';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '5' },
    rollouts: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    // Development aid: keep bench-a/bench-b built by an earlier run instead of rebuilding (and keep them after).
    'reuse-images': { type: 'boolean', default: false },
    // Writes every request record and rollout event of the main phase as JSON, for diagnosis.
    records: { type: 'string' },
  },
});
const M = Number(args.tenants);
const R = Number(args.rollouts);
const rate = Number(args.rate);
if (!(M >= 3 && R >= 2)) throw new Error('--tenants must be ≥ 3 (one per negative control) and --rollouts ≥ 2');

const IMAGE_A = 'berth/tenant:bench-a';
const IMAGE_B = 'berth/tenant:bench-b';
const FAULT_A = 'berth/tenant:bench-fault-a';
const FAULT_B = 'berth/tenant:bench-fault-b';

function imageExists(ref: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function buildImages(): void {
  for (const v of ['bench-a', 'bench-b']) {
    if (args['reuse-images'] && imageExists(`berth/tenant:${v}`)) continue;
    console.log(`building berth/tenant:${v}`);
    execFileSync(`${REPO_ROOT}/infra/scripts/build-images.sh`, ['--version', v, '--no-current'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

function describeRun(run: RolloutRun, i: number): string {
  const tenants = (run.rollout.tenants ?? []).map((t) => `${t.slug}:${t.state}${t.startedAt && t.finishedAt ? ` ${((t.finishedAt - t.startedAt) / 1000).toFixed(1)}s` : ''}` +
    (t.state !== 'done' && t.reason ? ` (${t.reason})` : '')).join(' ');
  return `rollout ${i + 1} → ${run.request.image} (parallel ${run.request.parallel ?? '-'}${run.request.unsafe ? `, unsafe ${run.request.unsafe}` : ''}): ${run.rollout.state} in ${((run.to - run.from) / 1000).toFixed(1)} s [${tenants}]`;
}

function describeVerdict(name: string, v: PhaseVerdict): string {
  return `${name}: ${v.requests} requests, ${v.failed} failed, ${v.busy} busy, Traefik 5xx ${v.traefik5xx}, retries ${v.traefikRetries}, ` +
    `old containers stopped ${v.oldContainersStopped} (stopped while routed: ${v.stopOrderViolations} by Traefik/Docker, ${v.eventOrderViolations} by the rollout's events); ` +
    `reads+writes p50/p99 steady ${v.steady.p50Ms}/${v.steady.p99Ms} ms, during rollouts ${v.rolling.p50Ms}/${v.rolling.p99Ms} ms` +
    (v.failureSamples.length ? `\n    failures: ${v.failureSamples.join('\n              ')}` : '');
}

async function control(stack: Stack, name: string, tenant: ProofTenant, rollouts: RolloutRequest[], load: Parameters<typeof runPhase>[0]['load'], pick: (v: PhaseVerdict) => number): Promise<number> {
  const e = await runPhase({ stack, tenants: [tenant], steadyRequests: 100, load, rollouts, maxDurationMs: 180_000 });
  const v = judgePhase(e);
  e.runs.forEach((r, i) => console.log(`  ${describeRun(r, i)}`));
  console.log(`  ${describeVerdict(`control ${name}`, v)}`);
  return pick(v);
}

let exitCode = 0;
buildImages();
const stack = await startStack({ env: { BERTH_ALLOW_UNSAFE_ROLLOUTS: 'true', BERTH_TENANT_IMAGE: IMAGE_A } });
try {
  // The busy control's images: the same two versions with BERTH_FAULT_DEFERRED_WRITES=1 baked in.
  await buildDerivedImage(IMAGE_A, FAULT_A, { BERTH_FAULT_DEFERRED_WRITES: '1' }, {});
  await buildDerivedImage(IMAGE_B, FAULT_B, { BERTH_FAULT_DEFERRED_WRITES: '1' }, {});
  const slugs = Array.from({ length: M }, (_, i) => `bench${i + 1}`);
  const { tenants } = await provisionTenants(stack, slugs);
  const slowRequest = trickledUpload(400);
  console.log(`${M} tenants serving; slow requests: CSV uploads trickled over 400 ms; load ${rate} req/s over TLS through Traefik (65% reads, 30% writes, 5% slow)`);

  const ledgers = new Map<string, WriteLedger>();
  const requests: RolloutRequest[] = Array.from({ length: R }, (_, i) => ({
    image: i % 2 === 0 ? IMAGE_B : IMAGE_A,
    tenants: slugs,
    parallel: Math.min(M, i % 2 === 0 ? 2 : 3),
  }));
  const main = await runPhase({
    stack, tenants, steadyRequests: rate * 10,
    load: { ratePerS: rate, slowRequest, runId: 'bench', ledgers },
    rollouts: requests,
    maxDurationMs: 30 * 60_000,
    onRollout: (run, i) => console.log(describeRun(run, i)),
  });
  const v = judgePhase(main);
  if (args.records) writeFileSync(args.records, JSON.stringify({ records: main.records, runs: main.runs, stopOrder: main.stopOrder, access: main.access }));
  const writes: TenantWrites[] = await verifyTenants(stack, tenants, ledgers, IMAGE_A);
  console.log(describeVerdict('rollouts', v));
  for (const w of writes) console.log(`  ${w.slug}: ${w.acknowledged} acknowledged writes, ${w.lost} lost, ${w.duplicates} duplicated, ${w.unacknowledgedStored} stored without acknowledgement; integrity_check ${w.integrity}`);

  console.log('negative controls (each must be caught):');
  const controls: Record<string, number> = {};
  const nextImage = R % 2 === 0 ? IMAGE_B : IMAGE_A;
  controls['stop-before-unroute'] = await control(stack, 'stop-before-unroute', tenants[0]!,
    [{ image: nextImage, tenants: [tenants[0]!.slug], unsafe: 'stop-before-unroute' }],
    { ratePerS: 40, slowRequest, runId: 'ctl-sbu', ledgers }, failuresSeen);
  // Slow queries queued back to back, so some are in flight whenever the old container is killed.
  controls['no-drain'] = await control(stack, 'no-drain', tenants[1]!,
    [{ image: nextImage, tenants: [tenants[1]!.slug], unsafe: 'no-drain' }],
    { ratePerS: 40, slowRequest, runId: 'ctl-nd', ledgers, slowPer20: 8, maxSlowInflightPerTarget: 10 }, (x) => x.failed);
  // Busy timeout 0 and deferred transactions while two copies overlap (five overlaps, the last
  // four with both copies faulty). Each overlap lasts well under a second, so the writes are
  // many and long (200 rows) to keep the write lock held a good part of the time.
  controls['busy-timeout-0'] = await control(stack, 'busy-timeout-0', tenants[2]!,
    [FAULT_B, FAULT_A, FAULT_B, FAULT_A, FAULT_B].map((image) => ({ image, tenants: [tenants[2]!.slug] })),
    { ratePerS: 120, slowRequest, runId: 'ctl-busy', ledgers, writesPer20: 19, slowPer20: 0, rowsPerWrite: 200 }, (x) => x.busy);
  const sensitive = Object.values(controls).every((n) => n > 0);
  if (!sensitive) console.error('the harness is INSENSITIVE: a negative control registered no failures');

  const lost = writes.reduce((n, w) => n + w.lost, 0);
  const duplicates = writes.reduce((n, w) => n + w.duplicates, 0);
  const problems = [
    v.failed > 0 && `${v.failed} failed requests`,
    v.traefik5xx > 0 && `${v.traefik5xx} Traefik 5xx`,
    v.busy > 0 && `${v.busy} SQLITE_BUSY at clients`,
    lost > 0 && `${lost} lost writes`,
    duplicates > 0 && `${duplicates} duplicated writes`,
    v.stopOrderViolations + v.eventOrderViolations > 0 && 'an old container was stopped while still routed',
    v.stopsUnverified > 0 && `${v.stopsUnverified} old-container stops reported by the rollouts were not seen by the watchers`,
    v.oldContainersStopped < M * R && `only ${v.oldContainersStopped} of ${M * R} old containers were seen leaving`,
    writes.some((w) => w.integrity !== 'ok') && 'integrity_check failed',
    v.rolloutsNotDone.length > 0 && `rollouts not done: ${v.rolloutsNotDone.join('; ')}`,
    !sensitive && 'a negative control went unnoticed',
  ].filter(Boolean);
  for (const p of problems) console.error(`FAIL: ${p}`);
  if (problems.length) exitCode = 1;
  console.log(JSON.stringify({
    bench: 'rollout', tenants: M, rollouts: R, requests: v.requests, failed: v.failed, lost_writes: lost, duplicate_writes: duplicates,
    traefik_5xx: v.traefik5xx, busy_errors: v.busy, p99_ms_steady: v.steady.p99Ms, p99_ms_rollout: v.rolling.p99Ms, controls, sensitive,
  }));
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await stack.stop();
  for (const image of args['reuse-images'] ? [FAULT_A, FAULT_B] : [FAULT_A, FAULT_B, IMAGE_A, IMAGE_B]) await removeImage(image);
}
process.exit(exitCode);
