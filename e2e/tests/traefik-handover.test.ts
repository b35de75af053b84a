// The Traefik handover (issue 12, point 4; infra/scripts/traefik-handover.sh): under steady
// HTTPS load through the public port, new connections and keep-alive ones, a handover fails no
// request and a long upload in flight across it completes on the old Traefik; a new Traefik
// that does not list every router is never made live; and, as a negative control, swapping
// before the new Traefik has its routes is seen as failures by the same measurement. Teardown
// leaves no iptables rule. Real Traefik processes (the cached binary, one per slot, started by
// e2e/src/traefik-slot-hooks.sh), real iptables in this instance's own chains; every wait polls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { waitFor } from '@berth/common/wait-for';
import { freePort } from '../src/free-port.js';
import { createAgent } from '../src/https-client.js';
import { REPO_ROOT, DOMAIN, TLS_DIR } from '../src/stack.js';
import { startEdgeLoad, type EdgeLoadSummary } from '../src/load/edge-load.js';

const HANDOVER = join(REPO_ROOT, 'infra/scripts/traefik-handover.sh');
const TRAEFIK_BIN = join(process.env.BERTH_CACHE_DIR ?? '/var/cache/berth', 'traefik', process.env.TRAEFIK_VERSION ?? 'v3.6.12', 'traefik');
const BODY = 'served by the handover backend';
const ROUTE_FILES = 40;

const instance = `ho${randomBytes(4).toString('hex')}`;
const chain = `BERTH-EDGE-${instance}`;
let dir: string;
let env: NodeJS.ProcessEnv;
let backend: Server;
let publicHttps: number;
let ca: string;
let uploadedBytes = 0;

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(HANDOVER, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}
async function runOk(args: string[]): Promise<string> {
  const r = await run(args);
  assert.equal(r.code, 0, `traefik-handover.sh ${args.join(' ')}: ${r.output}`);
  return r.output.trim();
}
const live = () => runOk(['live']);
async function apiOf(slot: string): Promise<string> {
  return `http://127.0.0.1:${await runOk(['port', slot, 'api'])}`;
}
async function pingOk(api: string): Promise<boolean> {
  try { return (await fetch(`${api}/ping`)).ok; } catch { return false; }
}

function load() {
  return startEdgeLoad({
    url: `https://ho0.${DOMAIN}:${publicHttps}/`, ca, expectBody: BODY,
    newConnectionWorkers: 4, keepAliveWorkers: 4, maxRequests: 200_000, maxDurationMs: 150_000,
  });
}
/** Waits until `n` more requests have answered: load before and after an event, by count. */
async function moreRequests(l: ReturnType<typeof load>, n: number): Promise<void> {
  const from = l.count();
  await waitFor(() => l.count() >= from + n, { timeoutMs: 60_000, what: `${n} more requests` });
}
const describe = (s: EdgeLoadSummary) => `${s.requests} requests, ${s.failed} failed ${JSON.stringify(s.byConnection)}, ${s.staleConnectionRetries} sent again after a stale keep-alive reset; ${s.failures.join(' | ')}`;

/** A POST whose body keeps streaming until finish() is called: in flight across the handover. */
function startUpload() {
  let finished = false;
  let sent = 0;
  const agent = createAgent(ca, { keepAlive: false });
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request(`https://ho0.${DOMAIN}:${publicHttps}/upload`, { method: 'POST', agent, timeout: 120_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(16 * 1024, 120);
    // Paced so the upload spans the handover; bounded (at most ~48 MiB) whatever happens.
    const pump = () => {
      if (finished || sent >= 3000 * chunk.length) { req.end(); return; }
      req.write(chunk);
      sent += chunk.length;
      setTimeout(pump, 20);
    };
    pump();
  });
  return { done, sent: () => sent, finish: () => { finished = true; } };
}

before(async () => {
  for (const f of [TRAEFIK_BIN, join(TLS_DIR, `${DOMAIN}.pem`)]) if (!existsSync(f)) throw new Error(`missing ${f}: run ./berth up first`);
  ca = readFileSync(join(TLS_DIR, 'ca.pem'), 'utf8');
  dir = mkdtempSync(join(tmpdir(), `berth-${instance}-`));
  const routes = join(dir, 'routes');
  mkdirSync(routes);
  mkdirSync(join(dir, 'empty-routes'));

  backend = createServer((req, res) => {
    if (req.method === 'POST') {
      let bytes = 0;
      req.on('data', (c: Buffer) => { bytes += c.length; uploadedBytes += c.length; });
      req.on('end', () => res.end(JSON.stringify({ bytes })));
      return;
    }
    res.end(BODY);
  });
  // Above Traefik's idleConnTimeout (30 s), as the tenant app's is (traefik.template.yml, F3).
  backend.keepAliveTimeout = 65_000;
  const backendPort = await freePort();
  await new Promise<void>((r) => backend.listen(backendPort, '127.0.0.1', r));
  // Route files as the control plane writes them (JSON): "every router" means all of them.
  for (let i = 0; i < ROUTE_FILES; i++) {
    writeFileSync(join(routes, `ho${i}.yml`), JSON.stringify({
      http: {
        routers: { [`ho${i}`]: { rule: `Host(\`ho${i}.${DOMAIN}\`)`, entryPoints: ['websecure'], tls: {}, service: `ho${i}` } },
        services: { [`ho${i}`]: { loadBalancer: { servers: [{ url: `http://127.0.0.1:${backendPort}` }] } } },
      },
    }));
  }

  env = {
    ...process.env,
    BERTH_INSTANCE: instance, BERTH_STATE_DIR: join(dir, 'state'), BERTH_ROUTES_DIR: routes, BERTH_DOMAIN: DOMAIN,
    BERTH_EDGE_HOOKS: join(REPO_ROOT, 'e2e/src/traefik-slot-hooks.sh'),
    HOOK_DIR: dir, HOOK_TRAEFIK_BIN: TRAEFIK_BIN,
    HOOK_CERT: join(TLS_DIR, `${DOMAIN}.pem`), HOOK_KEY: join(TLS_DIR, `${DOMAIN}-key.pem`),
  };
  publicHttps = await freePort();
  await runOk(['init', `http=${await freePort()}`, `https=${publicHttps}`, `api=${await freePort()}`]);
  await runOk(['start']);
  assert.equal(await live(), 'a');
}, { timeout: 120_000 });

after(async () => {
  if (!dir) return;
  // Whatever a failed step left running: SIGTERM, then wait for the exit.
  for (const f of readdirSync(dir).filter((n) => /^traefik-[ab]\.pid$/.test(n))) {
    const pid = Number(readFileSync(join(dir, f), 'utf8'));
    try { process.kill(pid, 'SIGTERM'); } catch { continue; }
    await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, { timeoutMs: 45_000, what: `Traefik ${pid} to exit` });
  }
  await runOk(['remove']);
  backend?.close();
  for (const table of ['nat', 'filter']) {
    const ours = execFileSync('iptables-save', ['-t', table], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(chain));
    assert.deepEqual(ours, [], `teardown leaves no rule of ${chain} in ${table}`);
  }
  if (!process.env.BERTH_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
}, { timeout: 120_000 });

test('a handover under steady load fails no request and a long upload in flight across it completes', { timeout: 240_000 }, async (t) => {
  const l = load();
  await moreRequests(l, 300);
  const oldApi = await apiOf('a');
  const upload = startUpload();
  await waitFor(() => uploadedBytes > 0, { timeoutMs: 20_000, what: 'the upload to reach the backend' });
  const handover = run(['handover']);
  // The old Traefik stops answering its own ping once it has been told to stop, which the
  // script does only after the swap: from then on the upload is a connection the old process
  // is draining.
  await waitFor(async () => !(await pingOk(oldApi)), { timeoutMs: 90_000, what: 'the old Traefik to begin stopping' });
  upload.finish();
  const up = await upload.done;
  assert.equal(up.status, 200, up.body);
  assert.equal(JSON.parse(up.body).bytes, upload.sent(), 'every byte of the upload arrived');
  const r = await handover;
  assert.equal(r.code, 0, r.output);
  assert.equal(await live(), 'b');
  await moreRequests(l, 300);
  const s = await l.stop();
  t.diagnostic(describe(s));
  assert.equal(s.failed, 0, describe(s));
  assert.ok(s.byConnection.new.requests > 0 && s.byConnection['keep-alive'].requests > 0, describe(s));
  // The upload was served by the old Traefik: its access log has it.
  const oldAccess = readFileSync(join(dir, 'logs-a', 'access.log'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { RequestMethod?: string; RequestPath?: string; DownstreamStatus?: number });
  assert.ok(oldAccess.some((e) => e.RequestMethod === 'POST' && e.RequestPath === '/upload' && e.DownstreamStatus === 200),
    'the old Traefik served the upload');
});

test('a new Traefik that does not list every router is never made live', { timeout: 240_000 }, async (t) => {
  const l = load();
  await moreRequests(l, 200);
  const r = await run(['handover'], { HOOK_ROUTES_DIR_a: join(dir, 'empty-routes'), BERTH_EDGE_READY_TIMEOUT_S: '3' });
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /did not list every router/);
  assert.equal(await live(), 'b');
  assert.equal(existsSync(join(dir, 'traefik-a.pid')), false, 'the refused Traefik was stopped');
  await moreRequests(l, 200);
  const s = await l.stop();
  t.diagnostic(describe(s));
  assert.equal(s.failed, 0, describe(s));
});

test('negative control: swapping before the new Traefik has loaded its routes is measured as failures', { timeout: 240_000 }, async (t) => {
  const l = load();
  await moreRequests(l, 200);
  const r = await run(['handover', '--no-route-wait'], { HOOK_ROUTES_DIR_a: join(dir, 'empty-routes') });
  assert.equal(r.code, 0, r.output);
  assert.equal(await live(), 'a');
  await moreRequests(l, 200);
  const s = await l.stop();
  t.diagnostic(describe(s));
  assert.ok(s.failed > 0, `the measurement must see the failures: ${describe(s)}`);
  assert.ok(s.failures.some((f) => f.includes('HTTP 404')), describe(s));
});
