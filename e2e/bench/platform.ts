// ./berth bench platform — berth's own processes under steady tenant traffic (issue 12): an
// isolated stack started by infra/scripts/stack.sh exactly as `./berth up` starts it (Traefik
// and two control-plane web processes in supervised containers), three tenants read and written
// through Traefik (every request passes ForwardAuth on a web process) at a fixed rate, while it
// performs, one after another: `restart control-plane` (rolling), `restart traefik` (handover to
// the same build), an upgrade of Traefik from --traefik-from (the stack starts on that release,
// built from its Go module and cached like the pinned one) to the pinned release (a handover;
// v3.7 cannot be built from the module proxy here, see the README), kill -9 of the lease holder's web
// process, kill -9 of the other web process, kill -9 of Traefik. Each
// event starts from a whole platform (both web processes up and reported UP by Traefik, the
// lease held), so one event's recovery is not charged to the next. One JSON line per event:
// requests started in its window, failed (non-2xx or no answer), acknowledged writes, lost
// (acknowledged, not stored) and duplicated writes (read back from each tenant's database),
// seconds from the event until the last failed request ended (0: none failed), the slowest
// request; the last line sums them up.
// Negative controls (--negative): no-drain runs the rolling restart with BERTH_DRAIN_MS=0 (a
// stopping process leaves Traefik's pool only when the health check notices); no-route-wait
// runs the Traefik handover swapping as soon as the new Traefik answers, before it lists the
// routes (with --ballast-routes 2000 by default: with a handful of route files a new Traefik
// has loaded them by the time it answers, and the control would show nothing). Each must show
// failed requests, or this bench would not be measuring anything. --ballast-routes N adds N
// route files of one router each (hosts under .invalid) for the whole run, as a big
// installation has: every handover then waits for them too.
//   node --import tsx e2e/bench/platform.ts [--rate 100] [--settle-s 3] [--traefik-from v3.6.10|none]
//     [--negative no-drain|no-route-wait] [--ballast-routes N]
import https from 'node:https';
import { parseArgs, promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@berth/common/wait-for';
import { startPlatformStack, type PlatformStack } from '../src/platform-stack.js';
import { REPO_ROOT, TLS_DIR, type Stack } from '../src/stack.js';
import { loopbackLookup } from '../src/https-client.js';
import { provisionTenants } from '../src/load/proof-tenants.js';
import { startLoad, type RequestRecord } from '../src/load/load-generator.js';
import { trickledUpload } from '../src/load/slow-requests.js';
import { verifyWrites } from '../src/load/verify-writes.js';
import type { WriteLedger } from '../src/load/write-ledger.js';
import type { TenantTarget } from '../src/load/tenant-target.js';
import { epochNow } from '../src/load/http-call.js';
import { TENANT_IMAGE, assertImage } from './bench-tools.js';

const { values: args } = parseArgs({
  options: { rate: { type: 'string', default: '100' }, 'settle-s': { type: 'string', default: '3' }, 'traefik-from': { type: 'string', default: 'v3.6.10' },
    negative: { type: 'string' }, 'ballast-routes': { type: 'string' } },
});
const NEGATIVE = args.negative ?? null;
if (NEGATIVE !== null && NEGATIVE !== 'no-drain' && NEGATIVE !== 'no-route-wait') throw new Error(`--negative must be no-drain or no-route-wait, got ${NEGATIVE}`);
const BALLAST = Number(args['ballast-routes'] ?? (NEGATIVE === 'no-route-wait' ? 2000 : 0));
if (!Number.isInteger(BALLAST) || BALLAST < 0 || BALLAST > 20_000) throw new Error(`--ballast-routes must be 0-20000, got ${args['ballast-routes']}`);
const TRAEFIK_FROM = args['traefik-from'] === 'none' || NEGATIVE ? null : args['traefik-from']!;
if (TRAEFIK_FROM !== null && !/^v3\.\d+\.\d+$/.test(TRAEFIK_FROM)) throw new Error(`--traefik-from must be a Traefik v3 release (v3.6.10) or none, got ${TRAEFIK_FROM}`);
// The pinned release (infra/scripts/lib.sh), which the upgrade goes to.
const PINNED = /^TRAEFIK_VERSION="\$\{TRAEFIK_VERSION:-(v[^}]+)\}"$/m.exec(readFileSync(join(REPO_ROOT, 'infra/scripts/lib.sh'), 'utf8'))?.[1];
if (!PINNED) throw new Error('cannot read the pinned Traefik release from infra/scripts/lib.sh');
const RATE = Number(args.rate);
const SETTLE_MS = Number(args['settle-s']) * 1000;
if (!(RATE > 0 && RATE <= 500) || !(SETTLE_MS >= 1000)) throw new Error('--rate must be 1-500 requests/s and --settle-s at least 1');
// Each event's load is bounded: at most this long and this many requests.
const EVENT_MAX_MS = 180_000;
const SLUGS = ['bench1', 'bench2', 'bench3'];

interface EventResult {
  event: string;
  requests: number;
  failed: number;
  /** Reads sent again on a new connection after a reused one was reset before any answer, as Go's client, curl and browsers do. */
  readsRetriedOnStaleConnection: number;
  writesAcknowledged: number;
  lostWrites: number;
  duplicatedWrites: number;
  recoverySeconds: number;
  slowestMs: number;
  failures: Record<string, number>;
}

assertImage();
if (TRAEFIK_FROM) {
  // A first build takes minutes (then cached in BERTH_CACHE_DIR like the pinned one).
  const built = await promisify(execFile)(join(REPO_ROOT, 'infra/scripts/build-traefik.sh'), [], {
    env: { ...process.env, TRAEFIK_VERSION: TRAEFIK_FROM }, maxBuffer: 16 << 20, timeout: 1_800_000,
  });
  process.stderr.write(built.stderr);
}
const platform: PlatformStack = await startPlatformStack({
  BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_HIBERNATE_AFTER_S: '0', BERTH_STOP_GRACE_S: '10',
  ...(TRAEFIK_FROM ? { TRAEFIK_VERSION: TRAEFIK_FROM } : {}),
  ...(NEGATIVE === 'no-drain' ? { BERTH_DRAIN_MS: '0' } : {}),
});
try {
  const shim = {
    instance: platform.instance, publicUrl: platform.publicUrl, agent: platform.agent,
    tenantUrl: (slug: string) => `https://${slug}.berth.localhost:${platform.httpsPort}`,
  } as unknown as Stack;
  const { tenants } = await provisionTenants(shim, SLUGS);
  if (BALLAST > 0) {
    // Not t-<slug>.yml: the control plane manages only those, and leaves these alone.
    const routes = platform.env.BERTH_ROUTES_DIR!;
    for (let i = 0; i < BALLAST; i++) {
      const name = `ballast-${i}`;
      writeFileSync(join(routes, `.${name}.tmp`), `http:\n  routers:\n    ${name}:\n      rule: Host(\`${name}.invalid\`)\n      entryPoints: [websecure]\n      service: ${name}\n  services:\n    ${name}:\n      loadBalancer:\n        servers: [{ url: "http://127.0.0.1:9" }]\n`);
      renameSync(join(routes, `.${name}.tmp`), join(routes, `zz-${name}.yml`));
    }
    await waitFor(async () => {
      const r = await fetch(`http://127.0.0.1:${platform.apiPort}/api/http/routers/ballast-${BALLAST - 1}@file`).catch(() => null);
      return r?.ok === true;
    }, { timeoutMs: 120_000, intervalMs: 250, what: `Traefik listing the ${BALLAST} ballast routers` });
    console.error(`${BALLAST} ballast route files in place and listed by Traefik`);
  }
  // Keep-alive connections, as real clients hold them.
  const agent = new https.Agent({ ca: readFileSync(join(TLS_DIR, 'ca.pem')), lookup: loopbackLookup, keepAlive: true, maxSockets: 32 });
  const targets: TenantTarget[] = tenants.map((t) => ({ ...t.target, agent, headers: { ...t.target.headers, accept: 'application/json' } }));

  interface Heartbeat { lease: { holder: string; expiresAt: number } | null; processes?: { id: string; state: string }[] }
  const heartbeat = async (port: number) => (await fetch(`http://127.0.0.1:${port}/__heartbeat__`)).json() as Promise<Heartbeat>;
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
  // Whole: every web process answers, Traefik's health check has each of them UP, a lease holder.
  const whole = async (): Promise<boolean> => {
    const up = await Promise.all(platform.webPorts.map((p) => fetch(`http://127.0.0.1:${p}/__lbheartbeat__`).then((r) => r.ok, () => false)));
    if (!up.every(Boolean)) return false;
    const service = await fetch(`http://127.0.0.1:${platform.apiPort}/api/http/services/berth-cp@file`)
      .then((r) => r.json() as Promise<{ serverStatus?: Record<string, string> }>, () => ({ serverStatus: {} }));
    const status = Object.values(service.serverStatus ?? {});
    if (status.length !== platform.webPorts.length || !status.every((s) => s === 'UP')) return false;
    // A killed holder's row stays "serving" for three heartbeat periods and its lease until the
    // TTL: whole means exactly one serving row per web process, one of them holding the lease.
    const hb = await heartbeat(platform.webPorts[0]!).catch(() => null);
    const serving = (hb?.processes ?? []).filter((p) => p.state === 'serving').map((p) => p.id);
    return serving.length === platform.webPorts.length && Boolean(hb?.lease && hb.lease.expiresAt > Date.now() && serving.includes(hb.lease.holder));
  };

  const traefikVersion = async () =>
    ((await (await fetch(`http://127.0.0.1:${platform.apiPort}/api/version`)).json()) as { Version: string }).Version;

  const results: EventResult[] = [];
  async function measure(event: string, act: () => Promise<void>): Promise<void> {
    await waitFor(whole, { timeoutMs: 60_000, intervalMs: 200, what: `every berth process up and UP in Traefik before ${event}` });
    const runId = `e${results.length + 1}x`;
    const ledgers = new Map<string, WriteLedger>();
    const load = startLoad({
      targets, ratePerS: RATE, maxDurationMs: EVENT_MAX_MS, maxRequests: RATE * EVENT_MAX_MS / 1000,
      writesPer20: 6, slowPer20: 1, slowRequest: trickledUpload(), runId, ledgers, timeoutMs: 10_000, retryStaleKeepAlive: true,
    });
    const records: RequestRecord[] = load.records;
    try {
      await sleep(SETTLE_MS);
      const t0 = epochNow();
      await act();
      // Served again: SETTLE_MS of requests that all succeeded, after the action returned.
      await waitFor(async () => {
        const since = epochNow() - SETTLE_MS;
        const recent = records.filter((r) => r.startedAt >= since);
        return since > t0 && recent.length > 0 && recent.every((r) => r.ok);
      }, { timeoutMs: 120_000, intervalMs: 200, what: `traffic served again after ${event}` });
      await load.stop();
      let acknowledged = 0, lost = 0, duplicated = 0;
      for (const t of targets) {
        const ledger = ledgers.get(t.slug);
        if (!ledger) continue;
        const c = await verifyWrites(t, ledger, 'ledger', `${runId}-`);
        acknowledged += c.acknowledged;
        lost += c.lost.length;
        duplicated += c.duplicates.length;
      }
      const window = records.filter((r) => r.startedAt >= t0);
      const failed = window.filter((r) => !r.ok);
      const failures: Record<string, number> = {};
      for (const f of failed) {
        const key = f.error ?? `HTTP ${f.status}${f.failure ? ` ${f.failure.slice(0, 40)}` : ''}`;
        failures[key] = (failures[key] ?? 0) + 1;
      }
      const result: EventResult = {
        event, requests: window.length, failed: failed.length,
        readsRetriedOnStaleConnection: window.filter((r) => r.staleConnectionRetried).length, writesAcknowledged: acknowledged, lostWrites: lost, duplicatedWrites: duplicated,
        recoverySeconds: failed.length ? Math.round(Math.max(...failed.map((f) => f.endedAt - t0))) / 1000 : 0,
        slowestMs: Math.round(Math.max(0, ...window.map((r) => r.ms))), failures,
      };
      results.push(result);
      console.log(JSON.stringify(result));
    } finally {
      await load.stop();
    }
  }

  // The events in order; a negative control runs only the event it breaks.
  const events: [string, () => Promise<void>][] = NEGATIVE === 'no-drain'
    ? [['NEGATIVE CONTROL: restart control-plane (rolling) without the drain', () => platform.stackSh('restart', 'control-plane').then(() => {})]]
    : NEGATIVE === 'no-route-wait'
      ? [['NEGATIVE CONTROL: restart traefik swapping before the routes are listed',
        () => platform.stackShWith({ BERTH_TRAEFIK_HANDOVER_NO_ROUTE_WAIT: '1' }, 'restart', 'traefik').then(() => {})]]
      : [
        ['restart control-plane (rolling)', () => platform.stackSh('restart', 'control-plane').then(() => {})],
        ['restart traefik (same release)', () => platform.stackSh('restart', 'traefik').then(() => {})],
        ...(TRAEFIK_FROM ? [[`upgrade traefik ${TRAEFIK_FROM} to ${PINNED}`, async () => {
          const from = await traefikVersion();
          if (from !== TRAEFIK_FROM) throw new Error(`the stack's Traefik says it is ${from}, not ${TRAEFIK_FROM}`);
          await platform.stackShWith({ TRAEFIK_VERSION: PINNED! }, 'restart', 'traefik');
          const now = await traefikVersion();
          if (now !== PINNED) throw new Error(`after the upgrade Traefik says it is ${now}, not ${PINNED}`);
        }] as [string, () => Promise<void>]] : []),
        ['kill -9 of the lease holder', async () => kill9(await holderContainer())],
        ['kill -9 of the other web process', async () => {
          const holder = await holderContainer();
          await kill9(holder.endsWith('.web-1') ? `${platform.prefix}.web-2` : `${platform.prefix}.web-1`);
        }],
        ['kill -9 of traefik', () => kill9(`${platform.prefix}.traefik`)],
      ];
  for (const [event, act] of events) await measure(event, act);
  agent.destroy();
  const sum = (k: 'requests' | 'failed' | 'readsRetriedOnStaleConnection' | 'writesAcknowledged' | 'lostWrites' | 'duplicatedWrites') => results.reduce((n, r) => n + r[k], 0);
  console.log(JSON.stringify({
    summary: true, ...(NEGATIVE ? { negativeControl: NEGATIVE } : {}), rate: RATE, tenants: SLUGS.length, ballastRoutes: BALLAST,
    requests: sum('requests'), failed: sum('failed'), readsRetriedOnStaleConnection: sum('readsRetriedOnStaleConnection'),
    writesAcknowledged: sum('writesAcknowledged'), lostWrites: sum('lostWrites'), duplicatedWrites: sum('duplicatedWrites'),
    worstRecoverySeconds: Math.max(...results.map((r) => r.recoverySeconds)),
    slowestMs: Math.max(...results.map((r) => r.slowestMs)),
  }));
} finally {
  await platform.stop();
}
