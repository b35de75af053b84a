// Tenant egress (SECURITY.md, "Tenant egress"): from a real tenant container, the host (a
// listener on 0.0.0.0, reached through the bridge gateway) and private and link-local
// addresses are refused; a public address is refused with BERTH_TENANT_EGRESS=none and
// reachable with public. Every listener is the test's own: one on the host and three in a
// network namespace it makes (test-netns.ts). The same probe from a network without berth's
// rules reaches every listener, so a refusal is the firewall's, not a missing route.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { docker } from '../../../e2e/src/docker-cli.js';
import { request } from '../../../e2e/src/https-client.js';
import { startStack, type Stack } from '../../../e2e/src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { chainsFor } from '../../src/docker/egress-rules.js';
import { createApiClient } from './api-client.js';
import { assertImageExists, containersOf, TENANT_IMAGE } from './harness.js';
import { GREETING, makeNamespace, type TestNamespace } from './test-netns.js';

// Connects to every target at once; prints what each answered, or the error code.
const PROBE = `const net = require('net');
Promise.all(JSON.parse(process.argv[1]).map((t) => new Promise((done) => {
  const s = net.connect({ host: t.host, port: t.port, timeout: 5000 });
  s.once('data', (d) => { done(d.toString().trim()); s.destroy(); });
  s.once('error', (e) => done(e.code));
  s.once('timeout', () => { done('TIMEOUT'); s.destroy(); });
}))).then((r) => console.log(JSON.stringify(r)));`;
const REFUSED = 'EHOSTUNREACH';

type Where = 'host' | 'private' | 'linkLocal' | 'public';
const WHERE: Where[] = ['host', 'private', 'linkLocal', 'public'];

let ns: TestNamespace;
let hostListener: Server;
let hostPort: number;
const stacks: Stack[] = [];

before(async () => {
  assertImageExists();
  ns = await makeNamespace();
  hostListener = createServer((s) => s.end(`${GREETING}\n`));
  await new Promise<void>((r) => hostListener.listen(0, '0.0.0.0', r));
  hostPort = (hostListener.address() as { port: number }).port;
});

after(async () => {
  for (const s of stacks) await s.stop();
  hostListener?.close();
  await ns?.close();
});

function targets(gateway: string) {
  return [
    { host: gateway, port: hostPort },
    { host: ns.addresses.private, port: ns.port },
    { host: ns.addresses.linkLocal, port: ns.port },
    { host: ns.addresses.public, port: ns.port },
  ];
}

async function gatewayOf(network: string): Promise<string> {
  return docker('network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', network);
}

function answers(stdout: string): Record<Where, string> {
  const list = JSON.parse(stdout) as string[];
  return Object.fromEntries(WHERE.map((w, i) => [w, list[i]])) as Record<Where, string>;
}

/** The probe in a new container of the tenant image (it has node and no shell). */
async function probeFromNewContainer(network: string, label: string): Promise<Record<Where, string>> {
  const gw = await gatewayOf(network);
  return answers(await docker('run', '--rm', '--network', network, '--label', label, '--cap-drop', 'ALL', TENANT_IMAGE,
    'node', '-e', PROBE, JSON.stringify(targets(gw))));
}

async function probeFromTenant(stack: Stack, slug: string): Promise<Record<Where, string>> {
  const [c] = (await containersOf(stack, slug)).filter((x) => x.state === 'running');
  assert.ok(c, `a running container for ${slug}`);
  return answers(await docker('exec', c.id, 'node', '-e', PROBE, JSON.stringify(targets(await gatewayOf(stack.network)))));
}

function installedRules(instance: string): string[] {
  const { egress, host } = chainsFor(instance);
  const dump = execFileSync('iptables-save', { encoding: 'utf8' }) + execFileSync('ip6tables-save', { encoding: 'utf8' });
  return dump.split('\n').filter((l) => l.includes(egress) || l.includes(host));
}

async function started(env: Record<string, string>): Promise<Stack> {
  const s = await startStack({ env: { BERTH_TENANT_IMAGE: TENANT_IMAGE, ...env } });
  stacks.push(s);
  const { egress } = chainsFor(s.instance);
  await waitFor(() => execFileSync('iptables', ['-w', '-S', 'DOCKER-USER'], { encoding: 'utf8' }).includes(`-j ${egress}`), {
    timeoutMs: 20_000, what: 'the egress jump in DOCKER-USER',
  });
  return s;
}

async function stopped(s: Stack): Promise<void> {
  stacks.splice(stacks.indexOf(s), 1);
  await s.stop();
}

async function serveTenant(s: Stack, slug: string): Promise<void> {
  const api = createApiClient(s.publicUrl, s.agent);
  await api.signUp(`${slug}@example.com`, 'a long enough password');
  await api.createTenant(slug);
  // Served through Traefik means the control plane's readiness probe and Traefik both reached
  // the container with the rules in place (replies pass as ESTABLISHED).
  await waitFor(async () => (await request(`${s.tenantUrl(slug)}/__lbheartbeat__`, { agent: s.agent }).catch(() => null))?.status === 200, {
    timeoutMs: 60_000, what: `${slug} through Traefik`,
  });
}

test('without berth\'s rules a container reaches every test listener (the control)', { timeout: 60_000 }, async () => {
  const label = `berth.test-run=egress-${randomBytes(4).toString('hex')}`;
  const net = `berth-egress-control-${randomBytes(3).toString('hex')}`;
  await docker('network', 'create', '--label', label, net);
  try {
    const got = await probeFromNewContainer(net, label);
    assert.deepEqual(got, { host: GREETING, private: GREETING, linkLocal: GREETING, public: GREETING });
  } finally {
    await docker('network', 'rm', net);
  }
});

test('egress none (the default): a tenant reaches no listener, is still served, and stop() removes every rule', { timeout: 180_000 }, async () => {
  const s = await started({});
  await serveTenant(s, 'fenced');
  assert.deepEqual(await probeFromTenant(s, 'fenced'), { host: REFUSED, private: REFUSED, linkLocal: REFUSED, public: REFUSED });
  assert.ok(installedRules(s.instance).length > 0);
  await stopped(s);
  assert.deepEqual(installedRules(s.instance), [], 'no rule of the instance is left');
});

test('egress public: only the public address is reachable; rules follow a network made again', { timeout: 180_000 }, async () => {
  const s = await started({ BERTH_TENANT_EGRESS: 'public' });
  const label = `berth.instance=${s.instance}`;
  assert.deepEqual(await probeFromNewContainer(s.network, label), { host: REFUSED, private: REFUSED, linkLocal: REFUSED, public: GREETING });

  // Removed behind the control plane's back: the next create makes the network again, and the
  // jumps move to its new bridge (one each, none left on the old one).
  const oldBridge = `br-${(await docker('network', 'inspect', '-f', '{{.Id}}', s.network)).slice(0, 12)}`;
  await docker('network', 'rm', s.network);
  await serveTenant(s, 'again');
  const newBridge = `br-${(await docker('network', 'inspect', '-f', '{{.Id}}', s.network)).slice(0, 12)}`;
  assert.notEqual(newBridge, oldBridge);
  const jumps = installedRules(s.instance).filter((l) => / -i br-/.test(l));
  assert.ok(jumps.length > 0 && jumps.every((l) => l.includes(`-i ${newBridge} `)), jumps.join('\n'));
  assert.deepEqual(await probeFromTenant(s, 'again'), { host: REFUSED, private: REFUSED, linkLocal: REFUSED, public: GREETING });

  await stopped(s);
  assert.deepEqual(installedRules(s.instance), []);
});
