// ./berth bench platform — berth's own processes under steady tenant traffic (issue 12): an
// isolated stack started by infra/scripts/stack.sh exactly as `./berth up` starts it (Traefik
// and two control-plane web processes in supervised containers), one tenant read through
// Traefik (every request passes ForwardAuth on a web process) at a fixed rate, while it
// performs, one after another: `restart control-plane` (rolling), `restart traefik`, kill -9 of
// the lease holder's web process, kill -9 of the other web process, kill -9 of Traefik. One
// JSON line per event: requests started in the event's window, failed (non-2xx or no answer),
// seconds from the event until the last failed request ended (0: none failed), slowest request;
// the last line sums them up. Reads only: lost or duplicated writes are not measured here.
//   node --import tsx e2e/bench/platform.ts [--rate 40] [--settle-s 3]
import https from 'node:https';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@berth/common/wait-for';
import { startPlatformStack, type PlatformStack } from '../src/platform-stack.js';
import { TLS_DIR, type Stack } from '../src/stack.js';
import { loopbackLookup } from '../src/https-client.js';
import { createTenant, openTenant, signUp, waitUntilServing } from '../src/session.js';
import { callTenant, type TenantTarget } from '../src/load/tenant-target.js';
import { epochNow, isOk, type CallResult } from '../src/load/http-call.js';
import { TENANT_IMAGE, assertImage } from './bench-tools.js';

const { values: args } = parseArgs({ options: { rate: { type: 'string', default: '40' }, 'settle-s': { type: 'string', default: '3' } } });
const RATE = Number(args.rate);
const SETTLE_MS = Number(args['settle-s']) * 1000;
if (!(RATE > 0 && RATE <= 500) || !(SETTLE_MS >= 1000)) throw new Error('--rate must be 1-500 requests/s and --settle-s at least 1');
// Bounded whatever happens: at most this long and this many requests.
const MAX_RUN_MS = 15 * 60_000;
const MAX_REQUESTS = RATE * MAX_RUN_MS / 1000;

interface EventResult {
  event: string;
  requests: number;
  failed: number;
  recoverySeconds: number;
  slowestMs: number;
  failures: Record<string, number>;
}

assertImage();
const platform: PlatformStack = await startPlatformStack({ BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_HIBERNATE_AFTER_S: '0', BERTH_STOP_GRACE_S: '10' });
const records: CallResult[] = [];
let stopLoad = () => {};
try {
  const shim = { publicUrl: platform.publicUrl, agent: platform.agent, tenantUrl: (slug: string) => `https://${slug}.berth.localhost:${platform.httpsPort}` } as unknown as Stack;
  const session = await signUp(shim, `bench-${platform.instance}@example.com`, 'correct horse battery staple');
  await createTenant(shim, session, 'bench1');
  await waitUntilServing(shim, session, 'bench1', 120_000);
  const cookie = await openTenant(shim, session, 'bench1');
  // Keep-alive connections, as real clients hold them.
  const agent = new https.Agent({ ca: readFileSync(join(TLS_DIR, 'ca.pem')), lookup: loopbackLookup, keepAlive: true, maxSockets: 32 });
  const target: TenantTarget = { slug: 'bench1', baseUrl: shim.tenantUrl('bench1'), agent, headers: { cookie, accept: 'application/json' } };

  // Fixed-rate load: a request every 1/RATE s whether or not earlier ones answered.
  const loadStart = epochNow();
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (records.length + inflight.size >= MAX_REQUESTS || epochNow() - loadStart > MAX_RUN_MS) return stopLoad();
    const p = callTenant(target, '/api/tables', { timeoutMs: 10_000 }).then((r) => { records.push(r); inflight.delete(p); });
    inflight.add(p);
  }, 1000 / RATE);
  stopLoad = () => clearInterval(timer);

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const heartbeat = async (port: number) => (await fetch(`http://127.0.0.1:${port}/__heartbeat__`)).json() as Promise<{ lease: { holder: string } | null }>;
  const kill9 = async (container: string) => {
    const pid = await platform.mainPid(container);
    if (pid <= 0) throw new Error(`${container} is not running`);
    process.kill(pid, 'SIGKILL');
  };
  const holderContainer = async () => {
    const lease = (await heartbeat(platform.webPorts[0]!)).lease;
    if (!lease) throw new Error('nobody holds the lease');
    return `${platform.prefix}.${lease.holder.split('/')[0]}`;
  };

  const results: EventResult[] = [];
  async function measure(event: string, act: () => Promise<void>): Promise<void> {
    await sleep(SETTLE_MS);
    const t0 = epochNow();
    await act();
    // Served again: SETTLE_MS of requests that all succeeded, after the action returned.
    await waitFor(async () => {
      const since = epochNow() - SETTLE_MS;
      const recent = records.filter((r) => r.startedAt >= since);
      return since > t0 && recent.length > 0 && recent.every(isOk);
    }, { timeoutMs: 120_000, intervalMs: 200, what: `traffic served again after ${event}` });
    const window = records.filter((r) => r.startedAt >= t0);
    const failed = window.filter((r) => !isOk(r));
    const failures: Record<string, number> = {};
    for (const f of failed) failures[f.error ?? `HTTP ${f.status}`] = (failures[f.error ?? `HTTP ${f.status}`] ?? 0) + 1;
    const result: EventResult = {
      event, requests: window.length, failed: failed.length,
      recoverySeconds: failed.length ? Math.round(Math.max(...failed.map((f) => f.endedAt - t0))) / 1000 : 0,
      slowestMs: Math.round(Math.max(0, ...window.map((r) => r.ms))), failures,
    };
    results.push(result);
    console.log(JSON.stringify(result));
    records.length = 0;
  }

  await measure('restart control-plane (rolling)', async () => { await platform.stackSh('restart', 'control-plane'); });
  await measure('restart traefik', async () => { await platform.stackSh('restart', 'traefik'); });
  await measure('kill -9 of the lease holder', async () => kill9(await holderContainer()));
  await measure('kill -9 of the other web process', async () => {
    const holder = await holderContainer();
    await kill9(holder.endsWith('.web-1') ? `${platform.prefix}.web-2` : `${platform.prefix}.web-1`);
  });
  await measure('kill -9 of traefik', async () => kill9(`${platform.prefix}.traefik`));
  stopLoad();
  await Promise.all(inflight);
  agent.destroy();
  console.log(JSON.stringify({
    summary: true, rate: RATE,
    requests: results.reduce((n, r) => n + r.requests, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    worstRecoverySeconds: Math.max(...results.map((r) => r.recoverySeconds)),
    slowestMs: Math.max(...results.map((r) => r.slowestMs)),
  }));
} finally {
  stopLoad();
  await platform.stop();
}
