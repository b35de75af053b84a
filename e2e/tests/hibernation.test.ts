// Issue 13, hibernation, on the real stack (Docker, Traefik, control plane; Chromium in the
// browser test): an idle instance hibernates — its container stops (kept, with its volume)
// and its route leaves Traefik —; anonymous requests do not wake it; a member's first request
// (browser or API client, GET or POST with a body) wakes it and gets its answer, forwarded by the
// waker as soon as the container is ready (no redirect: Traefik need not serve the route yet);
// concurrent first requests wake it once; a rollout over sleepers does not start them and they
// wake into the new image; an import in progress keeps an instance awake; a sleeper's database
// is parked in Litestream (closed after its last write reached the replica) and opened again on
// its wake.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@berth/common/wait-for';
import { gotoPage, launchBrowser, submitAndWait, type TestBrowser } from '../src/browser.js';
import { rollOut } from '../src/load/rollout-client.js';
import { startStack, type Stack } from '../src/stack.js';
import { createTenant, getTenant, send, signUp, waitUntilServing, type Session } from '../src/session.js';
import { request, type HttpsResponse } from '../src/https-client.js';
import { docker } from '../src/docker-cli.js';
import { appendRows, importCsv } from '../src/load/tenant-api.js';
import { isOk } from '../src/load/http-call.js';
import { signedInTarget } from '../src/load/tenant-target.js';
import { LITESTREAM_BIN } from '../src/litestream-bin.js';

let stack: Stack;
let session: Session;
let chromium: TestBrowser | undefined;
const cookies = new Map<string, string>();
const PASSWORD = 'correct horse battery staple';
const HIBERNATE_AFTER_S = 3;
const TENANT_IMAGE = process.env.BERTH_TEST_TENANT_IMAGE ?? 'berth/tenant:current';
let imageB = '';
const scratch = mkdtempSync(join(tmpdir(), 'berth-hibernation-test-'));

before(async () => {
  // A few seconds of idleness is enough to sleep; a loaded host may take long to start Node.
  stack = await startStack({
    env: { BERTH_HIBERNATE_AFTER_S: String(HIBERNATE_AFTER_S), BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_READY_TIMEOUT_MS: '60000', BERTH_PROBE_INTERVAL_MS: '1000', BERTH_STOP_GRACE_S: '5' },
  });
  session = await signUp(stack, `ops-${stack.instance}@example.org`, PASSWORD);
});

after(async () => {
  await chromium?.close();
  rmSync(scratch, { recursive: true, force: true });
  await stack?.stop();
  if (imageB) await promisify(execFile)('docker', ['rmi', '--no-prune', imageB]).catch(() => {});
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
  const out = await docker('ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.State}} {{.Label "berth.image"}}', '--filter', `label=berth.instance=${stack.instance}`,
    '--filter', `label=berth.tenant=${slug}`, '--filter', 'label=berth.role=tenant');
  return out.split('\n').filter(Boolean).map((line) => {
    const [id, state, image] = line.split(' ');
    return { id: id!.slice(0, 12), running: state === 'running', image: image! };
  });
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
  await Promise.all([provision(slug), provision('dozy')]);
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

test("a member's API request wakes it and gets the tenant's answer directly (GET, then POST with its body)", async () => {
  const slug = 'sleepy';
  await waitHibernated(slug);
  const cookie = cookies.get(slug)!;
  const wakes = await metric('berth_wakes_total');
  const [get, ...hops] = await follow(`${stack.tenantUrl(slug)}/api/tables?from=asleep`, { headers: { cookie, accept: 'application/json' } });
  assert.equal(get!.status, 200, get!.body);
  assert.deepEqual(hops.map((h) => [h.status, h.headers.location]), [], 'forwarded to the woken container, not redirected');
  assert.equal(await metric('berth_wakes_total'), wakes + 1);
  assert.deepEqual((await containersOf(slug)).map((c) => c.running), [true], 'the kept container was started again');

  await waitHibernated(slug);
  const origin = stack.tenantUrl(slug);
  const [post, ...posthops] = await follow(`${origin}/api/sql`, {
    method: 'POST', headers: { cookie, origin, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ sql: 'select 41 + 1 as answer' }),
  });
  assert.equal(post!.status, 200, post!.body);
  assert.match(post!.body, /42/);
  assert.deepEqual(posthops.map((h) => h.status), [], 'the body went through with the first request');
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

function operatorHeaders(): Record<string, string> {
  return { authorization: `Bearer ${readFileSync(join(stack.dir, 'state', 'operator.token'), 'utf8').trim()}` };
}

/** An API token of the member for the tenant, made through the control plane's API. */
async function createToken(slug: string, scope: 'read' | 'write'): Promise<string> {
  const res = await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/${slug}/tokens`, {
    json: { name: `hibernation ${scope}`, scope }, headers: { 'x-csrf-token': session.csrfToken },
  });
  assert.equal(res.status, 201, res.body);
  return (JSON.parse(res.body) as { token: string }).token;
}

test('a token client wakes it: curl gets the answer to its POST, body included, without a redirect', async () => {
  const slug = 'sleepy';
  const token = await createToken(slug, 'write');
  await waitHibernated(slug);
  const wakes = await metric('berth_wakes_total');
  const url = `${stack.tenantUrl(slug)}/api/sql`;
  const { stdout } = await promisify(execFile)('curl', [
    '-sS', '-L', '--max-redirs', '2', '--cacert', stack.caPath, '--resolve', `${slug}.${stack.domain}:${stack.httpsPort}:127.0.0.1`,
    '-X', 'POST', '-H', `authorization: Bearer ${token}`, '-H', 'content-type: application/json', '-H', 'accept: application/json',
    '--data', JSON.stringify({ sql: 'select 6 * 7 as answer' }), '-w', '\n%{http_code} %{num_redirects}', url,
  ], { timeout: 120_000 });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.pop(), '200 0', stdout);
  assert.match(lines.join('\n'), /42/);
  assert.equal(await metric('berth_wakes_total'), wakes + 1);
});

test('a signed-in browser sees "asleep" on the dashboard and wakes it there; a navigation to a sleeping instance lands on its page', async () => {
  const slug = 'sleepy';
  chromium = await launchBrowser(stack.caPath);
  const context = await chromium.browser.newContext();
  const page = await context.newPage();
  await gotoPage(page, `${stack.publicUrl}/login`);
  await submitAndWait(page, async () => {
    await page.getByLabel('Email').fill(session.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: /log in/i }).click();
  }, `${stack.publicUrl}/`);

  await waitHibernated(slug);
  await gotoPage(page, `${stack.publicUrl}/`);
  const wake = page.getByTestId(`wake-${slug}`);
  assert.match(await wake.innerText(), /asleep/);
  await submitAndWait(page, () => wake.getByRole('button', { name: 'Wake' }).click(), `${stack.publicUrl}/`);
  await page.getByTestId(`state-${slug}`).filter({ hasText: /^running$/ }).waitFor({ timeout: 60_000 });

  await waitHibernated(slug);
  const wakes = await metric('berth_wakes_total');
  // First visit of this browser to the tenant host: single sign-on through the control plane,
  // then the wake, then the page it asked for.
  const res = await gotoPage(page, `${stack.tenantUrl(slug)}/sql?sql=select+1`);
  await page.waitForURL((u) => u.host.startsWith(`${slug}.`) && u.pathname === '/sql');
  assert.equal(res?.status(), 200);
  assert.match(await page.content(), new RegExp(session.email.replace(/[.+]/g, '\\$&')), 'the tenant knows who is visiting');
  assert.equal(await metric('berth_wakes_total'), wakes + 1);
  await context.close();
});

test('an instance pinned awake never hibernates (an unpinned one idle as long does); unpinned, it sleeps again', async () => {
  const pinRes = await fetch(`${stack.cpUrl}/api/v1/admin/tenants/sleepy/pin`, {
    method: 'PUT', headers: { ...operatorHeaders(), 'content-type': 'application/json' }, body: JSON.stringify({ pinned: true }),
  });
  assert.equal(pinRes.status, 200, await pinRes.text());
  // Pinning wakes it; dozy, woken by a request after that, is the clock.
  await waitFor(async () => (await getTenant(stack, session, 'sleepy')).state === 'running', { timeoutMs: 60_000, intervalMs: 200, what: 'sleepy woken by the pin' });
  const [dozy] = await follow(`${stack.tenantUrl('dozy')}/api/tables`, { headers: { cookie: cookies.get('dozy')!, accept: 'application/json' } });
  assert.equal(dozy!.status, 200);
  await waitHibernated('dozy');
  assert.equal((await getTenant(stack, session, 'sleepy')).state, 'running');
  assert.deepEqual((await containersOf('sleepy')).map((c) => c.running), [true]);
  const list = (await (await fetch(`${stack.cpUrl}/api/v1/admin/tenants`, { headers: operatorHeaders() })).json()) as { tenants: { slug: string; pinnedAwake: boolean }[] };
  assert.equal(list.tenants.find((t) => t.slug === 'sleepy')?.pinnedAwake, true);

  const unpin = await fetch(`${stack.cpUrl}/api/v1/admin/tenants/sleepy/pin`, {
    method: 'PUT', headers: { ...operatorHeaders(), 'content-type': 'application/json' }, body: JSON.stringify({ pinned: false }),
  });
  assert.equal(unpin.status, 200);
  await waitHibernated('sleepy');
});

test('a rollout over hibernated instances does not start them; they wake into the new image', async () => {
  await Promise.all([waitHibernated('sleepy'), waitHibernated('dozy')]);
  imageB = `berth/tenant:hibernation-b-${stack.instance}`;
  await promisify(execFile)('docker', ['tag', TENANT_IMAGE, imageB]);
  const { rollout, events } = await rollOut(stack, { image: imageB, tenants: ['sleepy', 'dozy'], canary: 1, parallel: 2 });
  assert.equal(rollout.state, 'done', JSON.stringify(rollout));
  assert.deepEqual(rollout.tenants!.map((t) => [t.slug, t.state]).sort(), [['dozy', 'done'], ['sleepy', 'done']]);
  // Only the lock step ran for each: no container was started, no route written.
  assert.deepEqual([...new Set(events.filter((e) => e.slug && e.phase === 'start').map((e) => e.step))], ['lock']);
  for (const slug of ['sleepy', 'dozy']) {
    assert.ok((await containersOf(slug)).every((c) => !c.running), `${slug} was not started`);
    assert.deepEqual(await tenantRouters(slug), []);
  }
  const [woken] = await follow(`${stack.tenantUrl('sleepy')}/api/tables`, { headers: { cookie: cookies.get('sleepy')!, accept: 'application/json' } });
  assert.equal(woken!.status, 200, woken!.body);
  const running = (await containersOf('sleepy')).filter((c) => c.running);
  assert.deepEqual(running.map((c) => c.image), [imageB], 'it woke into the new image');
});

/** A CSV of `n` rows (id, name, amount, day), built in slices so a few million rows stay cheap. */
function bigCsv(n: number): Buffer {
  const parts = [Buffer.from('id,name,amount,day\n')];
  for (let from = 0; from < n; from += 100_000) {
    const lines: string[] = [];
    for (let i = from; i < Math.min(n, from + 100_000); i++) lines.push(`${i},name-${i},${(i % 977) / 7},2024-0${1 + (i % 9)}-1${i % 10}\n`);
    parts.push(Buffer.from(lines.join('')));
  }
  return Buffer.concat(parts);
}

test('an import in progress keeps an instance awake; it sleeps once the import is over', async () => {
  const slug = 'dozy';
  await waitHibernated(slug);
  const token = await createToken(slug, 'write');
  const auth = { authorization: `Bearer ${token}` };
  // The import must outlast the idle period (HIBERNATE_AFTER_S) with margin, whatever this
  // machine's speed: an import that ends too soon shows nothing, so the next one is twice as
  // large (a quiet CI machine imported 1.5M rows in under 5 s).
  let busyMs = 0;
  for (let attempt = 0, rows = 3_000_000; attempt < 3 && busyMs <= (HIBERNATE_AFTER_S + 2) * 1000; attempt++, rows *= 2) {
    const csv = bigCsv(rows);
    // Woken (or kept awake) by a small request first: a 307 would make a client send its body twice.
    const [woken] = await follow(`${stack.tenantUrl(slug)}/api/tables`, { headers: { ...auth, accept: 'application/json' } });
    assert.equal(woken!.status, 200, woken!.body);
    const upload = await request(`${stack.tenantUrl(slug)}/api/uploads?name=big.csv`, { agent: stack.agent, method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: csv, timeoutMs: 300_000 });
    assert.equal(upload.status, 201, upload.body);
    const started = await request(`${stack.tenantUrl(slug)}/api/imports`, {
      agent: stack.agent, method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ upload: (JSON.parse(upload.body) as { upload: { id: string } }).upload.id, table: `big${attempt}`, mode: 'create' }), timeoutMs: 120_000,
    });
    assert.equal(started.status, 202, started.body);
    const lastRequest = Date.now();
    // Watched at the container itself (the control plane's own endpoint), not through Traefik:
    // a request through Traefik would itself count as activity.
    const [c] = (await containersOf(slug)).filter((x) => x.running);
    assert.ok(c, 'the instance is running right after its import started');
    const ip = (await docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${stack.network}").IPAddress}}`, c.id)).trim();
    const startedAt = (await docker('inspect', '-f', '{{.State.StartedAt}}', c.id)).trim();
    let slept = false;
    await waitFor(async () => {
      const res = await fetch(`http://${ip}:8080/__berth/state`).catch(async (err: Error) => {
        // Say what became of the container (a restart, an OOM kill, a new address), not only "fetch failed".
        const now = (await docker('inspect', '-f', `{{.State.Status}} restarts={{.RestartCount}} oom={{.State.OOMKilled}} started={{.State.StartedAt}} ip={{(index .NetworkSettings.Networks "${stack.network}").IPAddress}}`, c.id).catch((e: Error) => e.message)).trim();
        throw new Error(`${err.message} (${(err.cause as Error | undefined)?.message ?? 'no cause'}); container ${c.id.slice(0, 12)} at ${ip} started ${startedAt}: now ${now}`);
      });
      const state = (await res.json()) as { imports: number };
      if (!(await containersOf(slug)).some((x) => x.running)) slept = true;
      return slept || state.imports === 0;
    }, { timeoutMs: 300_000, intervalMs: 250, what: `the import of ${rows} rows to finish` });
    assert.equal(slept, false, 'awake while the import runs');
    // Not stopped and started again in between either (berth_hibernations_total counts every
    // instance of the stack, and another test's instance may fall asleep meanwhile).
    assert.equal((await docker('inspect', '-f', '{{.State.StartedAt}}', c.id)).trim(), startedAt, 'the same container run throughout the import');
    busyMs = Date.now() - lastRequest;
    if (busyMs <= (HIBERNATE_AFTER_S + 2) * 1000) process.stderr.write(`note: ${rows} rows imported in ${busyMs} ms, within the idle period; importing twice as many\n`);
  }
  assert.ok(busyMs > (HIBERNATE_AFTER_S + 2) * 1000, `the last import took ${busyMs} ms: too short to show anything`);
  await waitHibernated(slug);
});

interface Replication { slug: string; lagMs: number; lastReplicatedAt: number | null; parked: boolean }

/** The operator's view of replication (./berth backups), from the API. */
async function replicationOf(slug: string): Promise<Replication | undefined> {
  const token = readFileSync(join(stack.dir, 'state', 'operator.token'), 'utf8').trim();
  const res = await fetch(`${stack.cpUrl}/api/v1/backups`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { tenants: Replication[] }).tenants.find((t) => t.slug === slug);
}

/** Litestream's own status of the tenant's database ('replicating', 'stopped'), from its control socket. */
function litestreamStatus(slug: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath: join(stack.dir, 'state', 'litestream', 'control.sock'), path: '/list', timeout: 2000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const dbs = (JSON.parse(text) as { databases: { path: string; status: string }[] }).databases;
        // The volume's mountpoint carries the tenant's slug (berth-<instance>-<slug>).
        resolve(dbs.find((d) => d.path.includes(`-${slug}/`))?.status);
      });
    }).on('error', reject);
  });
}

/** Rows of notes in a copy restored from the tenant's newest lineage by Litestream's own CLI. */
async function rowsInReplica(slug: string): Promise<number[]> {
  const dir = join(stack.dir, 'state', 'backups', slug);
  const lineage = readdirSync(dir).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b)).at(-1)!;
  const out = join(scratch, `${slug}-${Date.now()}.db`);
  await promisify(execFile)(LITESTREAM_BIN, ['restore', '-o', out, `file://${join(dir, lineage)}`]);
  const { stdout } = await promisify(execFile)('sqlite3', [out, 'SELECT n FROM notes WHERE n > 0 ORDER BY n']);
  return stdout.split('\n').filter(Boolean).map(Number);
}

async function waitParked(slug: string): Promise<void> {
  await waitHibernated(slug);
  await waitFor(async () => (await replicationOf(slug))?.parked === true, { timeoutMs: 30_000, intervalMs: 250, what: `${slug} parked in Litestream` });
}

test('a sleeper costs Litestream nothing and loses nothing: closed once its last write is replicated, opened again when it wakes', async () => {
  const slug = 'parked';
  const cookie = await provision(slug);
  const target = await signedInTarget(stack, session, slug);
  await importCsv(target, 'notes', 'n,tag\n0,seed\n');
  for (let n = 1; n <= 5; n++) assert.ok(isOk(await appendRows(target, 'notes', [{ n, tag: 'awake' }])), `append ${n}`);

  await waitParked(slug);
  const asleep = await replicationOf(slug);
  assert.equal(asleep?.lagMs, 0);
  assert.equal(await litestreamStatus(slug), 'stopped', 'closed in Litestream');
  const hb = (await (await fetch(`${stack.cpUrl}/__heartbeat__`)).json()) as { checks?: { backup?: { ok: boolean; detail?: string } } };
  assert.equal(hb.checks?.backup?.ok, true, hb.checks?.backup?.detail);
  assert.deepEqual(await rowsInReplica(slug), [1, 2, 3, 4, 5], 'every write made before it slept is in the replica');

  // Woken by a write (after the 307), which reaches the replica: Litestream has it open again.
  const origin = stack.tenantUrl(slug);
  const [woken] = await follow(`${origin}/api/tables/notes/rows`, {
    method: 'POST', headers: { cookie, origin, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ rows: [{ n: 6, tag: 'woken' }] }),
  });
  assert.equal(woken!.status, 201, woken!.body);
  await waitFor(async () => (await litestreamStatus(slug)) === 'replicating', { timeoutMs: 30_000, intervalMs: 250, what: `${slug} open in Litestream again` });
  let seen: number[] = [];
  await waitFor(async () => {
    seen = await rowsInReplica(slug).catch(() => []);
    return seen.length === 6;
  }, { timeoutMs: 30_000, intervalMs: 500, what: `${slug}'s replica holding the write that woke it` }).catch((err: Error) => {
    throw new Error(`${err.message}; replica has ${JSON.stringify(seen)}`);
  });
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);

  // Asleep again: parked again.
  await waitParked(slug);
  assert.equal(await litestreamStatus(slug), 'stopped');

  // Parking outlives the control plane: restarted, it leaves the sleeper out of Litestream from
  // its first pass (never opened, so not even listed as stopped) and still reports it parked.
  await stack.controlPlane.kill('SIGTERM');
  await stack.controlPlane.start();
  await waitFor(async () => (await replicationOf(slug))?.parked === true, { timeoutMs: 30_000, intervalMs: 250, what: `${slug} reported parked after the restart` });
  // No socket (nothing open at all) counts as not open.
  assert.equal(await litestreamStatus(slug).catch(() => undefined), undefined, 'left out of the restarted Litestream');
  assert.deepEqual(await rowsInReplica(slug), [1, 2, 3, 4, 5, 6]);
});
