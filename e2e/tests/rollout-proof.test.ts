// The short rollout proof run on every CI run (ROLLOUT.md "Proving it"; the full one is
// `./berth bench rollout`): one tenant under constant load over TLS through its real hostname,
// rolled a → b → a by the control plane. Passes only with 0 failed requests, 0 Traefik 5xx,
// every acknowledged write stored exactly once, integrity_check ok, 0 SQLITE_BUSY, and each
// old container out of Traefik's route before it was stopped. Then a negative control in the
// same harness (stop before unroute) must register failures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../src/stack.js';
import { buildDerivedImage, removeImage } from '../src/load/derived-image.js';
import { provisionTenants, type ProofTenant } from '../src/load/proof-tenants.js';
import { runPhase, judgePhase, failuresSeen } from '../src/load/proof-phase.js';
import { trickledUpload } from '../src/load/slow-requests.js';
import { verifyTenants } from '../src/load/verify-tenants.js';
import type { WriteLedger } from '../src/load/write-ledger.js';

const IMAGE_A = process.env.BERTH_TEST_TENANT_IMAGE ?? 'berth/tenant:current';
let imageB = '';
let stack: Stack;
let tenant: ProofTenant;
const ledgers = new Map<string, WriteLedger>();

before(async () => {
  stack = await startStack({ env: { BERTH_ALLOW_UNSAFE_ROLLOUTS: 'true', BERTH_TENANT_IMAGE: IMAGE_A } });
  imageB = await buildDerivedImage(IMAGE_A, `berth/tenant:proof-${stack.instance}`, { BERTH_VERSION: `proof-b-${stack.instance}` }, { 'berth.instance': stack.instance });
  tenant = (await provisionTenants(stack, ['proof'])).tenants[0]!;
});

after(async () => {
  await stack?.stop();
  if (imageB) await removeImage(imageB);
});

test('rollouts a → b → a under load: no failed request, no lost or doubled write, unrouted before stopped', async () => {
  const evidence = await runPhase({
    stack, tenants: [tenant], steadyRequests: 300,
    load: { ratePerS: 60, slowRequest: trickledUpload(400), runId: 'ci', ledgers },
    rollouts: [{ image: imageB, tenants: [tenant.slug] }, { image: IMAGE_A, tenants: [tenant.slug] }],
    maxDurationMs: 150_000,
  });
  const v = judgePhase(evidence);
  const writes = await verifyTenants(stack, [tenant], ledgers, IMAGE_A);
  console.log(JSON.stringify({ verdict: v, writes }));
  assert.deepEqual(v.rolloutsNotDone, []);
  assert.equal(v.servedBy, 3, 'requests were served by the first, the second and the third container');
  assert.equal(v.failed, 0, `failed requests: ${v.failureSamples.join(' | ')}`);
  assert.equal(v.busy, 0);
  assert.equal(v.traefik5xx, 0, 'Traefik answered no 5xx for the tenant');
  assert.equal(v.oldContainersStopped, 2, 'both old containers were seen leaving');
  assert.equal(v.stopsUnverified, 0);
  assert.equal(v.stopOrderViolations, 0, 'Traefik no longer listed each old container when Docker stopped it');
  assert.equal(v.eventOrderViolations, 0);
  assert.ok(v.rolling.requests > 50, `load ran during the rollouts (${v.rolling.requests} requests)`);
  assert.ok(writes[0]!.acknowledged > 100, 'acknowledged writes were made');
  assert.equal(writes[0]!.lost, 0);
  assert.equal(writes[0]!.duplicates, 0);
  assert.equal(writes[0]!.integrity, 'ok');
});

test('negative control: stopping the old container before unrouting it is caught by the same harness', async () => {
  const evidence = await runPhase({
    stack, tenants: [tenant], steadyRequests: 100,
    load: { ratePerS: 60, slowRequest: trickledUpload(400), runId: 'ci-control', ledgers },
    rollouts: [{ image: imageB, tenants: [tenant.slug], unsafe: 'stop-before-unroute' }],
    maxDurationMs: 90_000,
  });
  const v = judgePhase(evidence);
  console.log(JSON.stringify({ control: 'stop-before-unroute', verdict: v, failuresSeen: failuresSeen(v) }));
  assert.ok(v.stopOrderViolations + v.eventOrderViolations > 0, 'the order check sees the old container stopped while routed');
  assert.ok(failuresSeen(v) > 0, 'the control registers failures');
});
