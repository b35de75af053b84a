// The steps of ./berth bench density that touch the stack: registering sleepers, light traffic
// for the active instances, a route change's apply time in Traefik, and timed wakes.
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAudit } from '../../control-plane/src/audit/audit-log.js';
import { addOwner } from '../../control-plane/src/auth/memberships.js';
import { openDatabase, writeTx } from '../../control-plane/src/db/open-database.js';
import { insertTenant, markAsleep } from '../../control-plane/src/tenants/tenant-store.js';
import { bumpWakeup } from '../../control-plane/src/lease/wakeups.js';
import { docker } from '../src/docker-cli.js';
import { request, type HttpsResponse } from '../src/https-client.js';
import { operatorHeaders } from '../src/load/rollout-client.js';
import { send, type Session } from '../src/session.js';
import type { Stack } from '../src/stack.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers sleepers the fast way: the control plane's own store functions write each tenant
 * (row, owner membership, audit line) in the control plane's database, desired asleep from
 * the start, in batched transactions. Everything after that is the product's: the reconciler
 * creates each sleeper's volume and stopped container (a wake is a `docker start`). Booting
 * thousands of Node apps only to let them fall asleep would take the host an hour at 10,000.
 */
export function registerSleepers(stack: Stack, ownerId: number, ownerEmail: string, image: string, slugs: readonly string[]): void {
  const db = openDatabase(join(stack.dir, 'state', 'berth.db'));
  try {
    for (let i = 0; i < slugs.length; i += 500) {
      const now = Date.now();
      writeTx(db, () => {
        for (const slug of slugs.slice(i, i + 500)) {
          const id = insertTenant(db, { slug, ownerId, image }, now);
          addOwner(db, id, ownerId, now);
          // The hibernator's own transition (a savepoint inside this batch's transaction).
          if (!markAsleep(db, id, null, now, now)) throw new Error(`${slug}: could not be marked asleep`);
          writeAudit(db, now, ownerEmail, 'tenant.create', slug, { image, bench: 'density: registered asleep' });
        }
      });
      // As the API does after a write: the lease holder's reconciler sees it within its poll.
      bumpWakeup(db, 'reconcile');
    }
  } finally {
    db.close();
  }
}

/** How many of the stack's tenant containers exist, and how many of them run. */
export async function containerCounts(stack: Stack): Promise<{ all: number; running: number }> {
  const count = async (...extra: string[]) => (await docker('ps', '-q', ...extra, '--filter', `label=berth.instance=${stack.instance}`, '--filter', 'label=berth.role=tenant')).split('\n').filter(Boolean).length;
  return { all: await count('-a'), running: await count() };
}

/** An API token of the owner for the tenant (write scope), made through the control plane's API. */
export async function createToken(stack: Stack, session: Session, slug: string): Promise<string> {
  const res = await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/${slug}/tokens`, {
    json: { name: 'density bench', scope: 'write' }, headers: { 'x-csrf-token': session.csrfToken },
  });
  if (res.status !== 201) throw new Error(`token for ${slug}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  return (JSON.parse(res.body) as { token: string }).token;
}

/**
 * Light traffic: each active tenant gets one authenticated GET every periodMs (spread evenly),
 * so it stays awake; runs until the signal aborts. Counts answers other than 200.
 */
export function lightTraffic(stack: Stack, tokens: ReadonlyMap<string, string>, periodMs: number, signal: AbortSignal): { sent: () => number; failed: () => number; done: Promise<void> } {
  let sent = 0;
  let failed = 0;
  const done = (async () => {
    // The map fills while instances are created: each round takes the tenants it has then.
    for (let i = 0; !signal.aborted; i++) {
      const slugs = [...tokens.keys()];
      if (slugs.length === 0) {
        await pause(500);
        continue;
      }
      const gap = periodMs / slugs.length;
      const slug = slugs[i % slugs.length]!;
      sent++;
      void request(`${stack.tenantUrl(slug)}/api/tables`, { agent: stack.agent, headers: { authorization: `Bearer ${tokens.get(slug)}`, accept: 'application/json' }, timeoutMs: 30_000 })
        .then((r) => { if (r.status !== 200) failed++; }, () => { failed++; });
      await pause(gap);
    }
  })();
  return { sent: () => sent, failed: () => failed, done };
}

/**
 * A route change's apply time: a route file (its own router, on a host nobody asks for) is
 * renamed into Traefik's watched directory, then Traefik's API is polled every 5 ms until the
 * router is there; its removal is timed the same way. Spaced past Traefik's 2 s provider
 * throttle, so each change is applied on its own. The control plane ignores files not named
 * t-<slug>.yml.
 */
export async function routeApplyTimes(stack: Stack, samples: number): Promise<number[]> {
  const staging = join(stack.routesDir, '.bench-staging');
  mkdirSync(staging, { recursive: true });
  const times: number[] = [];
  const routerUp = async (name: string) => (await fetch(`${stack.traefikApi}/api/http/routers/${name}@file`)).status === 200;
  const timed = async (change: () => void, until: () => Promise<boolean>): Promise<number> => {
    const t0 = performance.now();
    change();
    for (;;) {
      if (await until()) return performance.now() - t0;
      if (performance.now() - t0 > 30_000) throw new Error('Traefik did not apply a route change within 30 s');
      await pause(5);
    }
  };
  for (let i = 0; i < samples; i++) {
    const name = `bench-apply-${i}`;
    const file = join(stack.routesDir, `${name}.yml`);
    const tmp = join(staging, `${name}.yml`);
    writeFileSync(tmp, `http:\n  routers:\n    ${name}:\n      rule: Host(\`${name}.invalid\`)\n      service: noop@internal\n      entryPoints: [websecure]\n`);
    await pause(2500);
    times.push(await timed(() => renameSync(tmp, file), () => routerUp(name)));
    await pause(2500);
    times.push(await timed(() => unlinkSync(file), async () => !(await routerUp(name))));
  }
  return times;
}

/** Follows 307s as curl -L does; returns the last answer and the number of hops. */
export async function follow(stack: Stack, url: string, headers: Record<string, string>): Promise<{ res: HttpsResponse; hops: number }> {
  for (let hops = 0; hops < 5; hops++) {
    const res = await request(url, { agent: stack.agent, headers, timeoutMs: 90_000 });
    if (res.status !== 307) return { res, hops };
    url = new URL(String(res.headers.location), url).toString();
  }
  throw new Error(`more than 5 redirects for ${url}`);
}

/** Waits until none of the tenants has a running container or a route file. */
export async function untilAsleep(stack: Stack, slugs: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = new Set((await docker('ps', '--format', '{{.Label "berth.tenant"}}', '--filter', `label=berth.instance=${stack.instance}`, '--filter', 'label=berth.role=tenant')).split('\n'));
    const awake = slugs.filter((s) => running.has(s));
    if (awake.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${awake.length} tenants still awake after ${timeoutMs} ms: ${awake.slice(0, 5).join(', ')}`);
    await pause(2000);
  }
}

/**
 * Waits until Litestream has parked `want` sleepers (the backups API, as `./berth backups` reads
 * it), so that an idle measurement sees the steady state rather than the parking of sleepers
 * registered all at once; returns how many are parked when it stops waiting (want, or fewer at the deadline).
 */
export async function untilParked(stack: Stack, want: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${stack.cpUrl}/api/v1/backups`, { headers: operatorHeaders(stack) });
    const parked = res.ok ? ((await res.json()) as { tenants: { parked: boolean }[] }).tenants.filter((t) => t.parked).length : 0;
    if (parked >= want || Date.now() > deadline) return parked;
    await pause(2000);
  }
}
