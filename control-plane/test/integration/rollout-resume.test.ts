// Resumable rollouts: SIGKILL the control plane while tenants are mid-rollout (a new
// container started, the route possibly listing both), start it again, and the rollout
// finishes: every tenant ends with exactly one running container, of the new image, serving.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../../../e2e/src/https-client.js';
import { waitFor } from '@berth/common/wait-for';
import { createRunningTenants, runningContainers, startRolloutStack, startTrickle, waitForRollout, type RolloutStack } from './rollout-helpers.js';

let rs: RolloutStack | undefined;
after(async () => {
  await rs?.stop();
});

/** Steps after a new container exists and before the old one is stopped: the interesting moments to die. */
const MID_STEPS = ['wait-ready', 'route-both', 'probe-edge', 'route-new', 'drain-old'];

for (const [name, killAt] of [['while two containers run', MID_STEPS], ['while the old container is being stopped', ['stop-old', 'commit', 'verify']]] as const) {
  test(`SIGKILL ${name}, restart: the rollout of 3 tenants finishes`, { timeout: 300_000 }, async (t) => {
    rs ??= await startRolloutStack();
    const slugs = [0, 1, 2].map((i) => `res${killAt.length}-${i}`);
    await createRunningTenants(rs, slugs);
    const trickle = startTrickle(rs.stack, slugs);
    const image = rs.imageB;
    const created = await rs.call('POST', '/api/v1/rollouts', { image, tenants: slugs, parallel: 2 });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = created.json.id;

    const { caught, rolling } = await waitFor(async () => {
      const ts = (await rs!.call('GET', `/api/v1/rollouts/${id}`)).json.tenants as { slug: string; state: string; step: string | null }[];
      const hit = ts.find((x) => x.state === 'rolling' && (killAt as readonly string[]).includes(x.step ?? ''));
      return hit ? { caught: `${hit.slug} at ${hit.step}`, rolling: ts.filter((x) => x.state === 'rolling' && x.step !== 'lock').map((x) => x.slug) } : null;
    }, { timeoutMs: 90_000, intervalMs: 10, what: `a tenant at ${killAt.join('/')}` });
    await rs.stack.controlPlane.kill('SIGKILL');
    const during = await Promise.all(slugs.map(async (s) => `${s}:${(await runningContainers(rs!.stack, s)).length}`));
    t.diagnostic(`killed with ${caught}; running containers per tenant: ${during.join(' ')}`);

    await rs.stack.controlPlane.start();
    const done = await waitForRollout(rs, id);
    const traffic = await trickle.stop();
    t.diagnostic(`traffic: ${traffic.requests} requests, ${traffic.failures} failed${traffic.samples.length ? `: ${traffic.samples.join('; ')}` : ''}`);
    const events = (await rs.call('GET', `/api/v1/rollouts/${id}/events`)).json.events as { slug: string; step: string; detail: string }[];
    t.diagnostic(`resumes: ${events.filter((e) => e.step === 'resume').map((e) => `${e.slug} ${e.detail}`).join('; ')}`);

    assert.equal(done.state, 'done', JSON.stringify(done.tenants.map((x: { slug: string; state: string; reason: string }) => [x.slug, x.state, x.reason])));
    assert.ok(events.some((e) => e.step === 'resume'), 'a tenant was resumed');
    // The tenants the rollout held across the crash served every request meanwhile.
    for (const slug of rolling) assert.equal(traffic.bySlug.get(slug) ?? 0, 0, `${slug} (rolling at the kill) had failed requests`);
    for (const slug of slugs) {
      const running = await runningContainers(rs.stack, slug);
      assert.equal(running.length, 1, `${slug}: exactly one running container`);
      assert.equal(running[0]!.image, image);
      const res = await request(`${rs.stack.tenantUrl(slug)}/__lbheartbeat__`, { agent: rs.stack.agent });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-berth-container'], running[0]!.id.slice(0, 12));
    }
    // Handed back to the reconciler: no lock left; once it has recorded the tenants as running
    // on the new image (a pass after the release), it still leaves one container each.
    await waitFor(async () => {
      const admin = (await rs!.call('GET', '/api/v1/admin/tenants')).json.tenants as { slug: string; rollout: number | null; image: string; runningImage: string; state: string }[];
      return slugs.every((s) => admin.some((x) => x.slug === s && x.rollout === null && x.image === image && x.runningImage === image && x.state === 'running'));
    }, { timeoutMs: 15_000, what: 'the reconciler to report the tenants running the new image' });
    for (const slug of slugs) assert.equal((await runningContainers(rs.stack, slug)).length, 1, `${slug} still has one container`);
  });
}
