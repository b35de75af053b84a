// Provisioning end to end on a real Docker engine and a real Traefik: a hardened container
// per tenant, isolated from the others, routed only once ready, restarted and re-routed
// after its process dies, deleted with its volume kept, and bystanders never touched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../../../e2e/src/docker-cli.js';
import { request } from '../../../e2e/src/https-client.js';
import { waitFor } from '@berth/common/wait-for';
import { LABEL } from '../../src/tenants/labels.js';
import { containerSpecFor, newContainerName } from '../../src/tenants/container-spec.js';
import { readTenants } from '../../src/tenants/tenant-store.js';
import { createDockerEngine } from '../../src/docker/docker-engine.js';
import { createContainerView } from '../../src/reconcile/container-view.js';
import { containersOf, startHarness, volumeExists, type Harness } from './harness.js';

let h: Harness;
const bystanders: string[] = [];

before(async () => {
  h = await startHarness();
});

after(async () => {
  for (const id of bystanders) await docker('rm', '-f', '-v', id).catch(() => {});
  await docker('volume', 'rm', '-f', `berth-${h?.stack.instance}-bystander`).catch(() => {});
  await h?.stop();
});

// The Engine's inspect JSON, read field by field in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Inspected = Record<string, any>;

async function inspect(id: string): Promise<Inspected> {
  return JSON.parse(await docker('inspect', id))[0];
}

async function runningContainer(slug: string) {
  return waitFor(async () => {
    const list = (await containersOf(h.stack, slug)).filter((c) => c.state === 'running');
    return list.length === 1 ? list[0] : null;
  }, { timeoutMs: 30_000, what: `one running container for ${slug}` });
}

async function tenantStatus(id: number): Promise<{ state: string; detail: string | null; container_id: string | null } | undefined> {
  return h.db.prepare('SELECT state, detail, container_id FROM tenant_status WHERE tenant_id = ?').get(id) as never;
}

async function servedThroughTraefik(slug: string): Promise<number> {
  return (await request(`${h.stack.tenantUrl(slug)}/__lbheartbeat__`, { agent: h.stack.agent, timeoutMs: 3000 })).status;
}

function routeServers(slug: string) {
  return h.provisioning.traefik.appliedService(slug).then((s) => s?.servers ?? null);
}

async function connectFrom(containerId: string, host: string, port: number): Promise<string> {
  // The image has no shell: exec node itself. Prints what happened and exits 0 either way.
  const script = `const s=require('net').connect(${port},'${host}');s.on('connect',()=>{console.log('connected');process.exit(0)});`
    + `s.on('error',(e)=>{console.log(e.code);process.exit(0)});setTimeout(()=>{console.log('timeout');process.exit(0)},1500)`;
  return docker('exec', containerId, 'node', '-e', script);
}

test('a new tenant gets a hardened container and answers over HTTPS through Traefik', async () => {
  const id = h.createTenant('alpha');
  const c = await runningContainer('alpha');
  await waitFor(async () => (await servedThroughTraefik('alpha')) === 200, { timeoutMs: 30_000, what: 'alpha through Traefik' });
  await waitFor(async () => (await tenantStatus(id))?.state === 'running', { timeoutMs: 10_000, what: 'status running' });

  const info = await inspect(c.id);
  const hc = info.HostConfig;
  assert.equal(info.Config.User, '10001:10001');
  assert.equal(hc.ReadonlyRootfs, true);
  assert.deepEqual(hc.CapDrop, ['ALL']);
  assert.deepEqual(hc.SecurityOpt, ['no-new-privileges:true']);
  assert.equal(hc.Init, true);
  assert.equal(hc.Memory, h.config.tenantMemoryMib * 1024 * 1024);
  assert.equal(hc.NanoCpus, h.config.tenantCpus * 1e9);
  assert.equal(hc.PidsLimit, h.config.tenantPids);
  assert.equal(hc.RestartPolicy.Name, 'unless-stopped');
  assert.match(hc.Tmpfs['/tmp'], /noexec/);
  assert.deepEqual(Object.keys(hc.PortBindings ?? {}), []);
  assert.deepEqual(info.Mounts.map((m: Inspected) => [m.Type, m.Name, m.Destination]), [['volume', `berth-${h.stack.instance}-alpha`, '/data']]);
  assert.ok(!JSON.stringify(info.Mounts).includes('docker.sock'));
  assert.deepEqual(Object.keys(info.NetworkSettings.Networks), [h.stack.network]);
  for (const key of Object.values(LABEL)) assert.ok(info.Config.Labels[key], `label ${key}`);
  assert.equal(info.Config.Labels[LABEL.instance], h.stack.instance);
  assert.equal(info.Config.Labels[LABEL.tenantId], String(id));

  const net = JSON.parse(await docker('network', 'inspect', h.stack.network))[0];
  assert.equal(net.Options['com.docker.network.bridge.enable_icc'], 'false');
  assert.equal(net.Labels[LABEL.instance], h.stack.instance);
});

test('tenant A cannot open a TCP connection to tenant B, or to loopback-bound host services; the host reaches both', async () => {
  h.createTenant('bravo');
  const a = await runningContainer('alpha');
  const b = await runningContainer('bravo');
  await waitFor(async () => (await servedThroughTraefik('bravo')) === 200, { timeoutMs: 30_000, what: 'bravo through Traefik' });
  const bIp = (await inspect(b.id)).NetworkSettings.Networks[h.stack.network].IPAddress;
  const gateway = JSON.parse(await docker('network', 'inspect', h.stack.network))[0].IPAM.Config[0].Gateway;

  assert.equal(await connectFrom(a.id, '127.0.0.1', 8080), 'connected', 'control: A reaches itself');
  assert.notEqual(await connectFrom(a.id, bIp, 8080), 'connected', 'A must not reach B');
  // Traefik's API is bound to 127.0.0.1 on the host: not reachable through the bridge gateway.
  assert.notEqual(await connectFrom(a.id, gateway, h.stack.apiPort), 'connected', "A must not reach Traefik's API");
  const direct = await fetch(`http://${bIp}:8080/__lbheartbeat__`);
  assert.equal(direct.status, 200, 'the host reaches B');
});

test('when the app process dies, Docker restarts it and the route points at it again within 2 s of ready', async (t) => {
  const before = await runningContainer('alpha');
  const ipBefore = (await inspect(before.id)).NetworkSettings.Networks[h.stack.network].IPAddress;
  // Kill the app (not the init process) from inside, as a crash would.
  await docker('exec', before.id, 'node', '-e',
    "const fs=require('fs');for(const p of fs.readdirSync('/proc').filter(Number)){let c='';try{c=fs.readFileSync('/proc/'+p+'/cmdline','utf8')}catch{}"
    + "if(c.includes('/app/dist/main.js')&&Number(p)!==process.pid){process.kill(Number(p),'SIGKILL')}}").catch(() => {});
  await waitFor(async () => (await inspect(before.id)).RestartCount > 0, { timeoutMs: 10_000, what: 'Docker restarted the container' });
  // The address is read on every try: while Docker is between stopping and starting the
  // process, the container has none yet.
  let ip = '';
  const readyAt = await waitFor(async () => {
    ip = (await inspect(before.id)).NetworkSettings.Networks[h.stack.network]?.IPAddress ?? '';
    if (!ip) return null;
    const r = await fetch(`http://${ip}:8080/__heartbeat__`).catch(() => null);
    return r?.status === 200 ? Date.now() : null;
  }, { timeoutMs: 20_000, intervalMs: 10, what: 'restarted app ready' });
  const routedAt = await waitFor(async () => {
    const servers = await routeServers('alpha');
    return servers?.length === 1 && servers[0] === `http://${ip}:8080` ? Date.now() : null;
  }, { timeoutMs: 10_000, intervalMs: 10, what: 'route back on the live container' });
  t.diagnostic(`routed ${routedAt - readyAt} ms after the restarted app was ready (ip ${ipBefore} → ${ip})`);
  assert.ok(routedAt - readyAt <= 2000, `routed ${routedAt - readyAt} ms after ready`);
  await waitFor(async () => (await servedThroughTraefik('alpha')) === 200, { timeoutMs: 5000, what: 'alpha serves again' });
  assert.equal((await containersOf(h.stack, 'alpha')).length, 1, 'the same container, restarted; no replacement');
});

test('a container that is stopped and removed by hand is recreated; an extra one is removed', async () => {
  const c = await runningContainer('bravo');
  await docker('rm', '-f', c.id);
  const fresh = await waitFor(async () => {
    const list = (await containersOf(h.stack, 'bravo')).filter((x) => x.state === 'running' && x.id !== c.id.slice(0, 12));
    return list.length === 1 ? list[0] : null;
  }, { timeoutMs: 30_000, what: 'bravo recreated' });
  await waitFor(async () => (await servedThroughTraefik('bravo')) === 200, { timeoutMs: 30_000, what: 'bravo serves again' });

  // A duplicate with the very same labels (as a crash between create and record could leave).
  const labels = (await inspect(fresh.id)).Config.Labels as Record<string, string>;
  const dup = await docker('create', ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]), '--network', h.stack.network, h.config.tenantImage);
  h.provisioning.reconciler.nudge();
  await waitFor(async () => !(await docker('ps', '-aq', '--no-trunc')).includes(dup), { timeoutMs: 20_000, what: 'duplicate removed' });
  const left = await containersOf(h.stack, 'bravo');
  assert.deepEqual(left.map((c) => c.id), [fresh.id], 'the serving container is the one kept');
});

test('a list by id answers only our containers among the ids, gone ones left out; each write is reported before it returns', async () => {
  const engine = h.provisioning.docker;
  const ours = (await engine.listContainers()).filter((c) => c.labels[LABEL.tenant] === 'alpha');
  assert.ok(ours.length > 0, 'alpha has a container');
  const stranger = await docker('create', '--label', `berth.test-run=${h.stack.instance}`, h.config.tenantImage);
  bystanders.push(stranger);
  const gone = 'f'.repeat(64);
  const listed = await engine.listContainersById([...ours.map((c) => c.id), stranger, gone]);
  assert.deepEqual(listed.map((c) => c.id).sort(), ours.map((c) => c.id).sort(), 'ours only: not the stranger, not an unknown id');
  assert.deepEqual(listed.find((c) => c.id === ours[0]!.id), ours[0], 'the same view as the full list');
  assert.deepEqual(await engine.listContainersById([]), [], 'no ids, no containers (not every container)');

  // The reconciler's quick pass relies on this order: the id is known before the create returns.
  // (A stopped extra container of alpha: the reconciler removes it as a duplicate.)
  const reported: { kind: string; id: string; tenant: string | undefined }[] = [];
  const stop = engine.onContainerWrite((w) => reported.push({ kind: w.kind, id: w.id, tenant: w.labels?.[LABEL.tenant] }));
  let made: string | null = null;
  try {
    bystanders.push(await docker('create', '--label', `berth.test-run=${h.stack.instance}`, h.config.tenantImage));
    const alpha = readTenants(h.db).find((t) => t.slug === 'alpha')!;
    const spec = containerSpecFor(alpha, h.config);
    made = await engine.createContainer(spec, newContainerName(spec)).then((id) => {
      assert.deepEqual(reported, [{ kind: 'create', id, tenant: 'alpha' }], 'reported once, with its labels, before the create returned');
      return id;
    });
    await engine.stopAndRemove(made, 1).then(() => {
      assert.deepEqual(reported.at(-1), { kind: 'remove', id: made, tenant: undefined }, 'the remove is reported before it returns');
    });
  } finally {
    stop();
    if (made) await docker('rm', '-f', made).catch(() => {});
  }
});

test('the reconciler\'s container view: a list, then only touched containers asked about again; everything after invalidate', async () => {
  // Another installation's name, so this reconciler leaves these containers alone.
  const instance = `${h.stack.instance}-view`;
  const engine = createDockerEngine(h.config.dockerSocket, instance);
  const view = createContainerView(engine, { resyncMs: 3_600_000 });
  const make = async () => {
    const id = await docker('create', '--label', `berth.instance=${instance}`, '--label', `berth.test-run=${h.stack.instance}`, h.config.tenantImage);
    bystanders.push(id);
    return id;
  };
  const ids = async () => (await view.list()).map((c) => c.id).sort();
  assert.deepEqual(await ids(), [], 'nothing of that installation yet');
  const a = await make();
  assert.deepEqual(await ids(), [], 'a change nothing reported is not asked about');
  view.touch(a);
  assert.deepEqual(await ids(), [a], 'a touched container is asked about');
  assert.equal((await view.list())[0]!.state, 'created');
  await docker('rm', '-f', a);
  view.touch(a);
  assert.deepEqual(await ids(), [], 'a touched container that is gone leaves the view');
  const b = await make();
  view.invalidate();
  assert.deepEqual(await ids(), [b], 'after invalidate, everything is listed');
  const [c1, c2] = [await make(), await make()];
  view.touch(c1);
  view.touch(c2);
  assert.deepEqual(await ids(), [b, c1, c2].sort(), 'touches made together are asked about together');
});

test('bystanders (no berth.instance of ours) survive; orphans (ours, no tenant) are removed', async () => {
  const similar = `berth-${h.stack.instance}-bystander-g1-abcdef`;
  await docker('volume', 'create', '--label', `berth.test-run=${h.stack.instance}`, `berth-${h.stack.instance}-bystander`);
  bystanders.push(await docker('create', '--name', similar, '--label', `berth.test-run=${h.stack.instance}`, '--label', 'berth.instance=someone-else',
    '--label', 'berth.role=tenant', '--label', 'berth.tenant-id=999', h.config.tenantImage));
  const orphan = await docker('create', '--label', `berth.instance=${h.stack.instance}`, '--label', 'berth.role=tenant',
    '--label', 'berth.tenant-id=4242', '--label', 'berth.tenant=ghost', h.config.tenantImage);
  h.provisioning.reconciler.nudge();
  await waitFor(async () => !(await docker('ps', '-aq', '--no-trunc')).includes(orphan), { timeoutMs: 20_000, what: 'orphan removed' });
  assert.ok((await docker('ps', '-aq', '--no-trunc')).includes(bystanders[0]!), 'bystander container kept');
  assert.ok(await volumeExists(`berth-${h.stack.instance}-bystander`), 'bystander volume kept');
  const audit = h.db.prepare("SELECT subject, detail FROM audit_log WHERE action = 'container.remove'").all() as { detail: string }[];
  assert.ok(audit.some((a) => a.detail.includes('orphan')), 'the orphan removal is in the audit log');
});

test('deleting a tenant removes its route and container at once and keeps its volume until the purge time', async () => {
  const id = Number((h.db.prepare("SELECT id FROM tenants WHERE slug = 'bravo'").pluck().get()));
  const volume = `berth-${h.stack.instance}-bravo`;
  const started = Date.now();
  h.deleteTenant('bravo');
  await waitFor(async () => (await containersOf(h.stack, 'bravo')).length === 0, { timeoutMs: 20_000, what: 'bravo container removed' });
  await waitFor(async () => (await routeServers('bravo')) === null, { timeoutMs: 10_000, what: 'bravo route gone from Traefik' });
  const took = Date.now() - started;
  // Its host now falls through to the hibernation catch-all, whose ForwardAuth answers 404 for
  // a deleted tenant (e2e); this harness runs no ForwardAuth endpoint, so Traefik answers 500.
  assert.notEqual(await servedThroughTraefik('bravo'), 200);
  assert.ok(await volumeExists(volume), 'volume kept during retention');
  await waitFor(async () => (await tenantStatus(id))?.state === 'deleted', { timeoutMs: 10_000, what: 'status deleted' });
  assert.ok(took < 10_000, `deletion took ${took} ms`);

  h.schedulePurge(id, Date.now() - 1);
  await waitFor(async () => !(await volumeExists(volume)), { timeoutMs: 20_000, what: 'volume purged after retention' });
  const row = h.db.prepare("SELECT detail FROM audit_log WHERE action = 'volume.purge' AND subject = 'bravo'").get() as { detail: string } | undefined;
  assert.ok(row?.detail.includes(volume), 'the purge is in the audit log');
  assert.ok(await volumeExists(`berth-${h.stack.instance}-alpha`), "the live tenant's volume is untouched");
  assert.ok(h.db.prepare('SELECT volume_purged_at FROM tenants WHERE id = ?').pluck().get(id));
});

test('the reconciler has completed recent passes and Traefik answers', async () => {
  const last = h.provisioning.reconciler.lastPassAt();
  assert.ok(last !== null && Date.now() - last < 2 * h.config.reconcileIntervalMs);
  await h.provisioning.traefik.ping();
  await h.provisioning.docker.ping();
});
