// berth's own processes are supervised (issue 12, point 1): Traefik and the control-plane web
// processes run as containers with Docker's restart policy, started by the same
// infra/scripts/stack.sh as `./berth up` (isolated: own instance, ports and directories). A
// second `up` changes nothing; `kill -9` of a web process's or Traefik's main process brings
// it back by itself, serving again; `restart control-plane` replaces every web process and
// `restart traefik` Traefik; `down` leaves no container and no egress rule behind. Real
// Docker, real Traefik; every wait polls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@berth/common/wait-for';
import { startPlatformStack, type PlatformStack } from '../src/platform-stack.js';
import { docker } from '../src/docker-cli.js';
import { REPO_ROOT } from '../src/stack.js';

let stack: PlatformStack;

before(async () => {
  stack = await startPlatformStack();
}, { timeout: 300_000 });

after(async () => {
  if (!stack) return;
  const instance = stack.instance;
  await stack.stop();
  assert.equal(await docker('ps', '-aq', '--filter', `label=berth.platform=${instance}`), '', 'down removes every platform container');
  assert.equal(execFileSync(join(REPO_ROOT, 'infra/scripts/egress.sh'), ['show', instance], { encoding: 'utf8' }).trim(), '',
    'down removes the egress rules');
}, { timeout: 120_000 });

/** The control-plane host through Traefik: Traefik, the route file and a web process all work. */
async function servesThroughTraefik(): Promise<boolean> {
  try {
    return (await stack.get(`${stack.publicUrl}/`)).status === 200;
  } catch {
    return false;
  }
}

async function heartbeat(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/__lbheartbeat__`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** kill -9 of a container's main process, then waits until a new one runs and `serving()` holds. */
async function crashAndRecover(container: string, serving: () => Promise<boolean>): Promise<void> {
  const pid = await stack.mainPid(container);
  assert.ok(pid > 0, `${container} runs`);
  const restarts = Number(await docker('inspect', '-f', '{{.RestartCount}}', container));
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => {
    const now = await stack.mainPid(container);
    return now > 0 && now !== pid && (await serving());
  }, { timeoutMs: 30_000, what: `${container} back after kill -9` });
  assert.equal(Number(await docker('inspect', '-f', '{{.RestartCount}}', container)), restarts + 1, 'Docker restarted it (not a new container)');
}

test('the stack serves: two web processes on one database, Traefik in front', async () => {
  await waitFor(servesThroughTraefik, { timeoutMs: 30_000, what: 'control-plane host through Traefik' });
  for (const port of stack.webPorts) assert.ok(await heartbeat(port), `web process on ${port} answers`);
  const policy = await docker('inspect', '-f', '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.NetworkMode}}',
    `${stack.prefix}.traefik`, `${stack.prefix}.web-1`, `${stack.prefix}.web-2`);
  assert.deepEqual(policy.split('\n'), Array(3).fill('unless-stopped host'));
  const details = await (await fetch(`http://127.0.0.1:${stack.webPorts[1]}/__heartbeat__`)).json() as { processes: { url: string; state: string }[] };
  const serving = details.processes.filter((p) => p.state === 'serving').map((p) => p.url).sort();
  assert.deepEqual(serving, stack.webPorts.map((p) => `http://127.0.0.1:${p}`).sort(), 'both register on the shared database');
});

test('a second up changes nothing', { timeout: 120_000 }, async () => {
  const ids = await stack.containerIds();
  await stack.stackSh('up');
  assert.deepEqual(await stack.containerIds(), ids);
});

test('kill -9 of a control-plane web process: Docker brings it back and it serves', { timeout: 120_000 }, async () => {
  for (const [i, port] of stack.webPorts.entries()) {
    await crashAndRecover(`${stack.prefix}.web-${i + 1}`, async () => (await heartbeat(port)) && (await servesThroughTraefik()));
  }
});

test('kill -9 of Traefik: Docker brings it back and it serves', { timeout: 120_000 }, async () => {
  await crashAndRecover(`${stack.prefix}.traefik`, servesThroughTraefik);
});

test('restart control-plane replaces every web process; restart traefik replaces Traefik', { timeout: 300_000 }, async () => {
  const web = [`${stack.prefix}.web-1`, `${stack.prefix}.web-2`];
  const before = await Promise.all(web.map((c) => docker('inspect', '-f', '{{.Id}}', c)));
  await stack.stackSh('restart', 'control-plane');
  const afterIds = await Promise.all(web.map((c) => docker('inspect', '-f', '{{.Id}}', c)));
  for (const [i, id] of afterIds.entries()) assert.notEqual(id, before[i], `${web[i]} was replaced`);
  for (const port of stack.webPorts) assert.ok(await heartbeat(port), `web process on ${port} answers after the restart`);
  const traefik = await docker('inspect', '-f', '{{.Id}}', `${stack.prefix}.traefik`);
  await stack.stackSh('restart', 'traefik');
  assert.notEqual(await docker('inspect', '-f', '{{.Id}}', `${stack.prefix}.traefik`), traefik);
  await waitFor(servesThroughTraefik, { timeoutMs: 30_000, what: 'serving after the restarts' });
});
