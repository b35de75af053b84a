// The first end-to-end proof: a container of the tenant image on the tenant network becomes
// reachable at https://<slug>.<domain> through a real Traefik once its route file is written,
// with a certificate that verifies against the project's CA (from Node and from Chromium), and
// stops being reachable once the route is removed and the container stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, renameSync, unlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import http from 'node:http';
import { startStack, REPO_ROOT, type Stack } from '../src/stack.js';
import { docker, containerIp } from '../src/docker-cli.js';
import { request, createAgent, loopbackLookup } from '../src/https-client.js';
import { waitFor } from '@berth/common/wait-for';
import { gotoPage, launchBrowser, ARTIFACTS_DIR } from '../src/browser.js';
import https from 'node:https';
import tls from 'node:tls';
import { mkdirSync } from 'node:fs';

let stack: Stack;
let containerId = '';
let ip = '';
const slug = 'foundation';

function writeRoute(servers: string[]): void {
  // Same discipline as the control plane's route writer: temp file + rename in the watched dir.
  const route = {
    http: {
      routers: { [`t-${slug}`]: { rule: `Host(\`${slug}.${stack.domain}\`)`, entryPoints: ['websecure'], tls: {}, service: `t-${slug}` } },
      services: { [`t-${slug}`]: { loadBalancer: { servers: servers.map((url) => ({ url })) } } },
    },
  };
  const tmp = join(stack.routesDir, `.t-${slug}.yml.tmp`);
  writeFileSync(tmp, JSON.stringify(route));
  renameSync(tmp, join(stack.routesDir, `t-${slug}.yml`));
}

function getDirect(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { timeout: 1000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).on('timeout', function (this: http.ClientRequest) { this.destroy(new Error('timeout')); });
  });
}

before(async () => {
  stack = await startStack({ controlPlane: false });
  const label = `berth.instance=${stack.instance}`;
  await docker('network', 'create', '--label', label, '-o', 'com.docker.network.bridge.enable_icc=false', stack.network);
  await docker('volume', 'create', '--label', label, `${stack.network}-${slug}`);
  containerId = await docker('run', '-d', '--label', label, '--network', stack.network,
    '--read-only', '--tmpfs', '/tmp:size=8m', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--init', '--user', '10001:10001', '--memory', '128m', '--pids-limit', '64',
    '-v', `${stack.network}-${slug}:/data`, 'berth/tenant:current');
  ip = await containerIp(containerId, stack.network);
  // The control plane's own readiness probe: plain HTTP straight to the container.
  await waitFor(async () => (await getDirect(`http://${ip}:8080/__heartbeat__`)) === 200, { timeoutMs: 20_000, what: 'tenant readiness' });
});

after(async () => {
  await stack?.stop();
});

test('Traefik serves the tenant over verified TLS once its route file is written', async () => {
  writeRoute([`http://${ip}:8080`]);
  const res = await waitFor(async () => {
    const r = await request(`${stack.tenantUrl(slug)}/__version__`, { agent: stack.agent });
    return r.status === 200 ? r : undefined;
  }, { timeoutMs: 10_000, what: 'route applied' });
  assert.equal(res.headers['x-berth-container'], containerId.slice(0, 12), 'the answer names the container that served it');
  const reported = JSON.parse(res.body) as { version: string; node: string };
  assert.ok(reported.version, 'version reported');
  // The tenant runs berth's pinned Node (the base image takes it from infra/scripts/install-node.sh).
  assert.equal(reported.node, `v${readFileSync(join(REPO_ROOT, '.node-version'), 'utf8').trim()}`, 'the tenant runs the pinned Node');

  // Verification is really on: trusting only the public roots bundled with Node (not the
  // project's CA, which this machine's store may also hold), the same request is refused.
  const untrusting = new https.Agent({ lookup: loopbackLookup, ca: [...tls.rootCertificates] });
  await assert.rejects(request(`${stack.tenantUrl(slug)}/__version__`, { agent: untrusting }), /self-signed|unable to verify|certificate/i);
  untrusting.destroy();
});

test('plain HTTP is redirected to HTTPS', async () => {
  const status = await new Promise<{ code: number; location: string }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: stack.httpPort, path: '/x', headers: { host: `${slug}.${stack.domain}` } }, (res) => {
      res.resume();
      resolve({ code: res.statusCode ?? 0, location: String(res.headers.location) });
    }).on('error', reject);
  });
  assert.ok([301, 302, 307, 308].includes(status.code), `redirect status, got ${status.code}`);
  assert.match(status.location, /^https:\/\//);
});

test('Chromium reaches the tenant with the project CA trusted and verification on', async () => {
  const { browser, close } = await launchBrowser(stack.caPath);
  try {
    const page = await browser.newPage(); // no ignoreHTTPSErrors
    const resp = await gotoPage(page, `${stack.tenantUrl(slug)}/__version__`);
    assert.equal(resp?.status(), 200);
    assert.match(await page.content(), /version/);
    mkdirSync(join(ARTIFACTS_DIR, 'foundation'), { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'foundation', 'tenant-version.png') });
  } finally {
    await close();
  }
});

test('Traefik applies the settings berth relies on', async () => {
  const cfg = readFileSync(join(stack.dir, 'traefik.yml'), 'utf8');
  assert.match(cfg, /dialTimeout: 2s/);
  assert.match(cfg, /idleConnTimeout: 30s/);
  assert.match(cfg, /providersThrottleDuration: 200ms/);
  assert.match(cfg, /address: "127\.0\.0\.1:\d+"\n\nserversTransport/, 'API/ping entrypoint on loopback');
  const entrypoints = await (await fetch(`${stack.traefikApi}/api/entrypoints`)).json() as { name: string }[];
  assert.deepEqual(entrypoints.map((e) => e.name).sort(), ['traefik', 'web', 'websecure']);
  // The JSON access log records each request with router and status.
  const log = await waitFor(() => {
    try { const l = readFileSync(stack.accessLog, 'utf8'); return l.includes(`t-${slug}`) ? l : undefined; } catch { return undefined; }
  }, { what: 'access log entry' });
  const entry = JSON.parse(log.trim().split('\n').find((l) => l.includes(`t-${slug}`))!);
  assert.equal(typeof entry.DownstreamStatus, 'number');
});

test('after the route is removed and the container stopped, the hostname no longer reaches it', async () => {
  unlinkSync(join(stack.routesDir, `t-${slug}.yml`));
  await waitFor(async () => (await fetch(`${stack.traefikApi}/api/http/routers/t-${slug}@file`)).status === 404, { what: 'router gone from Traefik' });
  await docker('stop', '-t', '10', containerId);
  const r = await request(`${stack.tenantUrl(slug)}/__version__`, { agent: createAgent(stack.ca) });
  assert.equal(r.status, 404);
  assert.equal(r.headers['x-berth-container'], undefined);
});
