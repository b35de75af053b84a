// Issue 13, hibernation, on the real stack (Docker, Traefik, control plane; Chromium in the
// browser test): an idle instance hibernates — its container stops (kept, with its volume)
// and its route leaves Traefik —; anonymous requests do not wake it; a member's first request
// (browser or API client, GET or POST with a body) wakes it and gets its answer after one 307;
// concurrent first requests wake it once; a rollout over sleepers does not start them and they
// wake into the new image; an import in progress keeps an instance awake.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { waitFor } from '@berth/common/wait-for';
import { startStack, type Stack } from '../src/stack.js';
import { createTenant, getTenant, send, signUp, waitUntilServing, type Session } from '../src/session.js';
import { request, type HttpsResponse } from '../src/https-client.js';
import { docker } from '../src/docker-cli.js';

let stack: Stack;
let session: Session;
const cookies = new Map<string, string>();

before(async () => {
  // A few seconds of idleness is enough to sleep; a loaded host may take long to start Node.
  stack = await startStack({ env: { BERTH_HIBERNATE_AFTER_S: '3', BERTH_READY_TIMEOUT_MS: '60000', BERTH_PROBE_INTERVAL_MS: '1000' } });
  session = await signUp(stack, `ops-${stack.instance}@example.org`, 'correct horse battery staple');
});

after(async () => {
  await stack?.stop();
});

/**
 * A tenant created, serving, and opened once by the member through single sign-on; the Cookie
 * header the jar then sends to the tenant host is kept (whatever the tenant cookie is named).
 */
async function provision(slug: string): Promise<string> {
  await createTenant(stack, session, slug);
  await waitUntilServing(stack, session, slug);
  let url = `${stack.tenantUrl(slug)}/`;
  for (let hop = 0; hop < 6; hop++) {
    const res = await send(stack, session.jar, url, { headers: { accept: 'text/html' } });
    if (res.status < 300 || res.status >= 400) {
      assert.equal(res.status, 200, `open ${slug}: ${res.body.slice(0, 200)}`);
      break;
    }
    url = new URL(String(res.headers.location), url).toString();
  }
  const cookie = session.jar.header(stack.tenantUrl(slug));
  assert.ok(cookie, `single sign-on to ${slug} set a tenant cookie`);
  cookies.set(slug, cookie);
  return cookie;
}

async function containersOf(slug: string): Promise<{ id: string; running: boolean; image: string }[]> {
  const ids = (await docker('ps', '-aq', '--filter', `label=berth.instance=${stack.instance}`, '--filter', `label=berth.tenant=${slug}`, '--filter', 'label=berth.role=tenant')).split('\n').filter(Boolean);
  return Promise.all(ids.map(async (id) => {
    const [running, image] = (await docker('inspect', '-f', '{{.State.Running}} {{.Config.Image}}', id)).trim().split(' ');
    return { id, running: running === 'true', image: image! };
  }));
}

/** Routers Traefik has for the tenant's host (by rule, whatever the routers are named). */
async function tenantRouters(slug: string): Promise<string[]> {
  const routers = (await (await fetch(`${stack.traefikApi}/api/http/routers`)).json()) as { name: string; rule: string }[];
  return routers.filter((r) => r.rule.includes(`${slug}.${stack.domain}`)).map((r) => r.name);
}

function routeFiles(slug: string): string[] {
  return readdirSync(stack.routesDir).filter((f) => f.includes(slug));
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${stack.cpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

async function waitHibernated(slug: string): Promise<void> {
  await waitFor(async () => (await getTenant(stack, session, slug)).state === 'hibernated', { timeoutMs: 60_000, intervalMs: 200, what: `${slug} hibernated` });
}

/**
 * An API client that follows redirects as curl -L and browsers do: a 307 is repeated with the
 * same method and body. Returns every answer, the last one first.
 */
async function follow(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpsResponse[]> {
  const seen: HttpsResponse[] = [];
  for (let hop = 0; hop < 5; hop++) {
    const res = await request(url, { agent: stack.agent, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body, timeoutMs: 90_000 });
    seen.unshift(res);
    if (res.status !== 307) return seen;
    url = new URL(String(res.headers.location), url).toString();
  }
  throw new Error(`more than 5 redirects for ${url}`);
}

test('an idle instance hibernates: its container stops and is kept, its route file and routers are gone', async () => {
  const slug = 'sleepy';
  await provision(slug);
  const [before] = await containersOf(slug);
  assert.ok(before?.running);
  assert.ok(routeFiles(slug).length > 0);
  await waitHibernated(slug);
  const after = await containersOf(slug);
  assert.deepEqual(after.map((c) => [c.id, c.running]), [[before!.id, false]], 'the same container, stopped, is kept');
  assert.deepEqual(routeFiles(slug), []);
  assert.deepEqual(await tenantRouters(slug), []);
  assert.equal(await metric('berth_instances{state="hibernated"}') >= 1, true);
});

test('anonymous requests do not wake a hibernated instance', async () => {
  const slug = 'sleepy';
  await waitHibernated(slug);
  const wakes = await metric('berth_wakes_total');
  const page = await request(`${stack.tenantUrl(slug)}/tables`, { agent: stack.agent, headers: { accept: 'text/html' } });
  assert.equal(page.status, 302, 'a browser is sent to sign in first');
  assert.match(String(page.headers.location), /\/sso\/start\?tenant=sleepy/);
  const api = await request(`${stack.tenantUrl(slug)}/api/tables`, { agent: stack.agent, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(api.status, 401);
  const health = await request(`${stack.tenantUrl(slug)}/__heartbeat__`, { agent: stack.agent });
  assert.equal(health.status, 503);
  assert.equal(JSON.parse(health.body).error.code, 'INSTANCE_ASLEEP');
  assert.ok(Number(health.headers['retry-after']) > 0);
  const bogus = await request(`${stack.tenantUrl(slug)}/api/tables`, { agent: stack.agent, headers: { cookie: 'berth_t=not-a-session' } });
  assert.equal(bogus.status, 401);
  assert.equal(await metric('berth_wakes_total'), wakes);
  assert.equal((await getTenant(stack, session, slug)).state, 'hibernated');
  assert.deepEqual((await containersOf(slug)).map((c) => c.running), [false]);
});

test("a member's API request wakes it and gets its answer after one 307 (GET, then POST with its body)", async () => {
  const slug = 'sleepy';
  await waitHibernated(slug);
  const cookie = cookies.get(slug)!;
  const wakes = await metric('berth_wakes_total');
  const [get, ...hops] = await follow(`${stack.tenantUrl(slug)}/api/tables?from=asleep`, { headers: { cookie, accept: 'application/json' } });
  assert.equal(get!.status, 200, get!.body);
  assert.deepEqual(hops.map((h) => [h.status, h.headers.location]), [[307, `${stack.tenantUrl(slug)}/api/tables?from=asleep`]]);
  assert.equal(await metric('berth_wakes_total'), wakes + 1);
  assert.deepEqual((await containersOf(slug)).map((c) => c.running), [true], 'the kept container was started again');

  await waitHibernated(slug);
  const origin = stack.tenantUrl(slug);
  const [post, ...posthops] = await follow(`${origin}/api/sql`, {
    method: 'POST', headers: { cookie, origin, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ sql: 'select 41 + 1 as answer' }),
  });
  assert.equal(post!.status, 200, post!.body);
  assert.match(post!.body, /42/);
  assert.deepEqual(posthops.map((h) => h.status), [307]);
});

test('two concurrent first requests wake it once', async () => {
  const slug = 'sleepy';
  await waitHibernated(slug);
  const cookie = cookies.get(slug)!;
  const wakes = await metric('berth_wakes_total');
  const [a, b] = await Promise.all([1, 2].map((n) => follow(`${stack.tenantUrl(slug)}/api/tables?n=${n}`, { headers: { cookie, accept: 'application/json' } })));
  assert.equal(a![0]!.status, 200);
  assert.equal(b![0]!.status, 200);
  assert.equal(await metric('berth_wakes_total'), wakes + 1);
  assert.equal((await containersOf(slug)).length, 1);
});
