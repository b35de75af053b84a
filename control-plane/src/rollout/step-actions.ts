// The I/O of each step of one tenant's rollout. Each action is idempotent (a restart may run
// it again) and waits only by polling a condition with a deadline (F11). Decisions about
// what comes next live in tenant-steps.ts; persistence and events in tenant-rollout.ts.
import { sleep } from '@berth/common/wait-for';
import { BerthError } from '../errors.js';
import { probeHttp } from '../probe/http-probe.js';
import { READINESS_PATH } from '../probe/prober.js';
import { containersOf } from '../reconcile/tenant-containers.js';
import { APP_PORT, containerSpecFor, newContainerName } from '../tenants/container-spec.js';
import { LABEL } from '../tenants/labels.js';
import { routeFor, serverUrlFor } from '../tenants/route.js';
import { imageVersionOf, type Tenant } from '../tenants/tenant.js';
import { readTenants } from '../tenants/tenant-store.js';
import type { RolloutIo } from './rollout-io.js';
import { commitDesired, lockTenant, preciseNow, type TenantPatch } from './rollout-store.js';
import type { Rollout, RolloutTenant, Step } from './rollout-types.js';

export interface StepContext {
  readonly io: RolloutIo;
  readonly rollout: Rollout;
  readonly row: RolloutTenant;
  readonly signal: AbortSignal;
  /** Records a moment the proof harness checks (old-unrouted, old-stop-called, old-removed). */
  milestone(name: string, detail: string): void;
}

export interface StepResult {
  readonly patch?: TenantPatch;
  readonly detail: string;
  /** The tenant is done after this step (a hibernated tenant: its desired image changed, nothing ran). */
  readonly finished?: string;
}

const short = (id: string | null) => (id ?? 'none').slice(0, 12);
const fail = (message: string) => new BerthError('ROLLOUT_FAILED', message);

export const STEP_ACTIONS: Record<Step, (ctx: StepContext) => Promise<StepResult>> = {
  async lock({ io, rollout, row }) {
    const tenant = readTenant(io, row.tenantId);
    if (tenant.desiredState !== 'running') throw fail('the tenant was deleted');
    const fromGeneration = row.fromGeneration ?? tenant.generation;
    const toGeneration = row.toGeneration ?? tenant.generation + 1;
    if (!lockTenant(io.db, rollout.id, tenant.id, { fromImage: tenant.image, fromGeneration, toGeneration }, Date.now())) {
      throw fail('another rollout holds this tenant');
    }
    // A reconcile action the reconciler started before the lock may still be running.
    await io.reconciler.idle(tenant.id);
    // Hibernated: not started for the rollout. Its desired image changes under the lock and it
    // wakes into the new version (the reconciler removes the stopped old container meanwhile).
    if (readTenant(io, tenant.id).asleep) {
      commitDesired(io.db, rollout.id, tenant.id, rollout.image, toGeneration, Date.now());
      const detail = `asleep: desired image is now ${rollout.image} (generation ${toGeneration}); it wakes into it`;
      return { detail, finished: 'hibernated: desired image updated without starting it' };
    }
    const running = containersOf(tenant.id, await io.docker.listContainers(tenant.id)).filter((c) => c.state === 'running' && c.ip);
    if (running.length !== 1) {
      throw fail(running.length === 0 ? 'the tenant has no running container' : `the tenant has ${running.length} running containers (a replacement is under way)`);
    }
    const old = running[0]!;
    if (old.labels[LABEL.generation] === String(toGeneration)) throw fail(`the running container already has generation ${toGeneration}`);
    return { patch: { oldContainerId: old.id, oldUrl: serverUrlFor(old.ip!) }, detail: `old container ${short(old.id)} at ${old.ip}` };
  },

  async snapshot({ io, rollout, row, signal }) {
    const ip = await runningIp(io, row.oldContainerId);
    if (!ip) throw fail('the old container is not running');
    const label = `before-${imageVersionOf(rollout.image)}`.replace(/[^A-Za-z0-9_.-]/g, '_');
    const s = await io.tenantApp.snapshot(ip, io.config.snapshotsKept, label, signal);
    return { detail: `VACUUM INTO ${s.file} (${s.bytes} bytes, ${s.ms} ms; ${s.removed.length} older removed)` };
  },

  async 'start-new'({ io, rollout, row }) {
    const tenant = readTenant(io, row.tenantId);
    const generation = row.toGeneration!;
    // The new app applies its own expand-only migrations at start, before it reports ready.
    const spec = containerSpecFor({ ...tenant, image: rollout.image, generation }, io.config);
    const previous = containersOf(tenant.id, await io.docker.listContainers(tenant.id)).filter((c) => c.labels[LABEL.generation] === String(generation));
    const adopt = previous.find((c) => c.state === 'running' && c.ip && c.labels[LABEL.specHash] === spec.labels[LABEL.specHash]);
    // A container of this generation left by an interrupted attempt: adopt it if it runs, else start over.
    for (const c of previous) if (c !== adopt) await io.docker.stopAndRemove(c.id, 0);
    if (adopt) {
      io.prober.watch({ id: adopt.id, ip: adopt.ip! });
      return { patch: { newContainerId: adopt.id, newUrl: serverUrlFor(adopt.ip!) }, detail: `adopted ${short(adopt.id)} started before a restart` };
    }
    const { id, ip } = await io.docker.runContainer(spec, newContainerName(spec));
    if (!ip) throw fail(`new container ${short(id)} has no address on ${spec.network}`);
    io.prober.watch({ id, ip });
    return { patch: { newContainerId: id, newUrl: serverUrlFor(ip) }, detail: `new container ${short(id)} (${rollout.image}) at ${ip}` };
  },

  async 'wait-ready'({ io, row, signal }) {
    const ip = ipOf(row.newUrl);
    const started = Date.now();
    const deadline = started + io.config.readyTimeoutMs;
    let nextAliveCheck = started + 1000;
    for (;;) {
      const r = await probeHttp(ip, APP_PORT, READINESS_PATH, 1000, signal);
      if (r.ok) return { detail: `ready after ${Date.now() - started} ms` };
      if (Date.now() >= nextAliveCheck) {
        if (!(await runningIp(io, row.newContainerId))) throw fail(`the new container exited before it was ready (last probe: ${r.detail})`);
        nextAliveCheck = Date.now() + 1000;
      }
      if (Date.now() >= deadline) throw fail(`the new container was not ready within ${io.config.readyTimeoutMs} ms (last probe: ${r.detail})`);
      await sleep(25, signal);
    }
  },

  async 'route-both'(ctx) {
    const urls = [ctx.row.oldUrl!, ctx.row.newUrl!];
    await writeAndConfirm(ctx, urls);
    return { detail: `Traefik lists ${urls.join(' and ')}` };
  },

  async 'probe-edge'({ io, row, signal }) {
    const r = await io.edgeProbe(row.slug, row.newContainerId!, { timeoutMs: io.config.rolloutStepTimeoutMs, signal });
    return { detail: `${r.requests} requests through Traefik, ${r.fromNew} from the new container, 0 failed` };
  },

  async 'route-new'(ctx) {
    await writeAndConfirm(ctx, [ctx.row.newUrl!]);
    ctx.milestone('old-unrouted', `old container ${ctx.row.oldContainerId} (${ctx.row.oldUrl}) no longer in Traefik's route`);
    // Requests Traefik picked the old server for just before the change may still be arriving.
    if (ctx.rollout.unsafe !== 'no-drain') await sleep(ctx.io.config.rolloutSettleMs, ctx.signal);
    return { detail: `Traefik lists only ${ctx.row.newUrl}` };
  },

  async 'drain-old'({ io, row, signal }) {
    // Best effort, never a reason to roll back: traffic already moved to the new container,
    // and the stop's own SIGTERM path still finishes in-flight requests within the grace.
    return { detail: await drain(io, row.oldContainerId, signal) };
  },

  async 'stop-old'({ io, rollout, row, milestone }) {
    const grace = rollout.unsafe === 'no-drain' ? 0 : io.config.stopGraceS;
    milestone('old-stop-called', `old container ${row.oldContainerId} stop with grace ${grace} s`);
    await io.docker.stopAndRemove(row.oldContainerId!, grace);
    io.prober.forget(row.oldContainerId!);
    milestone('old-removed', `old container ${row.oldContainerId} removed (its volume stays)`);
    return { detail: `old container ${short(row.oldContainerId)} stopped and removed` };
  },

  async commit({ io, rollout, row, signal }) {
    await awaitProberReady(io, row.newContainerId!, row.newUrl, signal);
    commitDesired(io.db, rollout.id, row.tenantId, rollout.image, row.toGeneration!, Date.now());
    return { detail: `desired state is now ${rollout.image}, generation ${row.toGeneration}` };
  },

  async verify({ io, row, signal }) {
    // Last step before the lock goes: after a restart this process's prober may not know the container yet.
    await awaitProberReady(io, row.newContainerId!, row.newUrl, signal);
    const svc = await io.traefik.appliedService(row.slug);
    const servers = svc?.servers ?? [];
    if (servers.length !== 1 || servers[0] !== row.newUrl) throw fail(`Traefik lists [${servers.join(' ')}], expected only ${row.newUrl}`);
    const running = containersOf(row.tenantId, await io.docker.listContainers(row.tenantId)).filter((c) => c.state === 'running');
    if (running.length !== 1 || running[0]!.id !== row.newContainerId) {
      throw fail(`expected only the new container running, found ${running.map((c) => short(c.id)).join(', ') || 'none'}`);
    }
    return { detail: `Traefik lists only ${row.newUrl}; one container running` };
  },

  async 'rollback-route'(ctx) {
    if (!ctx.row.oldUrl) return { detail: 'nothing was routed' };
    if (!(await runningIp(ctx.io, ctx.row.oldContainerId))) throw fail('the old container is gone; cannot route back to it');
    await writeAndConfirm(ctx, [ctx.row.oldUrl]);
    return { detail: `Traefik lists only the old ${ctx.row.oldUrl} again` };
  },

  async 'rollback-drain-new'({ io, row, signal }) {
    await sleep(io.config.rolloutSettleMs, signal);
    return { detail: await drain(io, row.newContainerId, signal) };
  },

  async 'rollback-remove-new'({ io, row }) {
    const ours = containersOf(row.tenantId, await io.docker.listContainers(row.tenantId))
      .filter((c) => c.id === row.newContainerId || (row.toGeneration !== null && c.labels[LABEL.generation] === String(row.toGeneration)));
    for (const c of ours) {
      await io.docker.stopAndRemove(c.id, io.config.stopGraceS);
      io.prober.forget(c.id);
    }
    return { detail: ours.length ? `removed ${ours.map((c) => short(c.id)).join(', ')}` : 'no new container to remove' };
  },

  async 'rollback-release'({ io, row, signal }) {
    if (row.oldContainerId && (await runningIp(io, row.oldContainerId))) await awaitProberReady(io, row.oldContainerId, row.oldUrl, signal);
    return { detail: `old container ${short(row.oldContainerId)} kept serving` };
  },
};

async function writeAndConfirm({ io, row, signal }: StepContext, urls: readonly string[]): Promise<void> {
  await io.routes.write(row.slug, routeFor({ slug: row.slug }, urls, io.config));
  await io.traefik.waitForRoute(row.slug, urls, { timeoutMs: io.config.rolloutStepTimeoutMs, signal });
}

/** Turns a container's readiness red, then waits (bounded by the grace) until nothing is in flight. */
async function drain(io: RolloutIo, containerId: string | null, signal: AbortSignal): Promise<string> {
  const ip = await runningIp(io, containerId);
  if (!ip) return 'container already gone';
  const started = preciseNow();
  const deadline = Date.now() + io.config.stopGraceS * 1000;
  try {
    await io.tenantApp.drain(ip, signal);
    for (;;) {
      const { inflight } = await io.tenantApp.state(ip, signal);
      if (inflight === 0) return `0 requests in flight after ${Math.round(preciseNow() - started)} ms`;
      if (Date.now() >= deadline) return `${inflight} still in flight after the ${io.config.stopGraceS} s grace; the stop grace covers them`;
      await sleep(25, signal);
    }
  } catch (err) {
    if (signal.aborted) throw err;
    return `could not read its in-flight count (${(err as Error).message}); the stop grace covers them`;
  }
}

/**
 * The reconciler owns the tenant again once the lock is released; its prober must already
 * call the new container ready, or its first pass would write a route without any server (F6).
 */
async function awaitProberReady(io: RolloutIo, containerId: string, url: string | null, signal: AbortSignal): Promise<void> {
  io.prober.watch({ id: containerId, ip: ipOf(url) });
  const deadline = Date.now() + io.config.readyTimeoutMs;
  while (io.prober.readiness(containerId).state !== 'ready') {
    if (Date.now() >= deadline) throw fail(`the reconciler's prober does not see ${short(containerId)} ready: ${io.prober.readiness(containerId).detail}`);
    await sleep(25, signal);
  }
}

async function runningIp(io: RolloutIo, containerId: string | null): Promise<string | null> {
  return containerId ? io.docker.containerIp(containerId, io.config.network) : null;
}

function ipOf(url: string | null): string {
  if (!url) throw fail('no server address recorded for the container');
  return new URL(url).hostname;
}

function readTenant(io: RolloutIo, tenantId: number): Tenant {
  const tenant = readTenants(io.db).find((t) => t.id === tenantId);
  if (!tenant) throw fail(`tenant ${tenantId} no longer exists`);
  return tenant;
}
