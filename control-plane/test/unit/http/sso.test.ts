import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Browser, setCookies, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let owner: Browser;
const ACME = 'acme.berth.localhost:8443';
const BETA = 'beta.berth.localhost:8443';

before(async () => {
  t = await startTestApp();
  owner = new Browser(t);
  await owner.signUpWithForm('owner@example.com');
  for (const slug of ['acme', 'beta']) assert.equal((await owner.api('POST', '/api/v1/tenants', { slug })).statusCode, 201);
});
after(() => t.close());

interface Forwarded {
  cookie?: string;
  accept?: string;
  uri?: string;
  method?: string;
  authorization?: string;
  host?: string;
}

/** What Traefik's ForwardAuth sends for a request to `tenantHost`. */
function forward(tenantHost: string, f: Forwarded = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {
    host: f.host ?? '127.0.0.1:8088',
    'x-forwarded-host': tenantHost,
    'x-forwarded-uri': f.uri ?? '/',
    'x-forwarded-method': f.method ?? 'GET',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '192.0.2.10',
  };
  for (const k of ['cookie', 'accept', 'authorization'] as const) if (f[k] !== undefined) headers[k] = f[k]!;
  return t.app.inject({ method: 'GET', url: '/auth/forward', headers });
}

const html = 'text/html,application/xhtml+xml';

/** Runs the browser side of SSO for `b` into `slug`, returning the tenant cookie and the final redirect. */
async function signInto(b: Browser, slug: string, rd = '/'): Promise<{ tenantCookie: string | undefined; start: LightMyRequestResponse; redeem?: LightMyRequestResponse }> {
  const host = `${slug}.berth.localhost:8443`;
  const start = await b.request({ method: 'GET', url: `/sso/start?tenant=${slug}&rd=${encodeURIComponent(rd)}` });
  if (start.statusCode !== 302) return { tenantCookie: undefined, start };
  const location = new URL(String(start.headers.location));
  const redeem = await b.request({ method: 'GET', url: location.pathname + location.search, host, headers: { 'x-forwarded-host': host } });
  return { tenantCookie: b.cookie(host, '__Host-berth_t'), start, redeem };
}

test('full flow: forward → sso/start → code → /__berth/sso → berth_t → forward 200 with identity headers', async () => {
  const first = await forward(ACME, { accept: html, uri: '/tables?x=1' });
  assert.equal(first.statusCode, 302);
  const login = new URL(String(first.headers.location));
  assert.equal(login.origin, t.config.publicUrl);
  assert.equal(login.pathname, '/sso/start');
  assert.equal(login.searchParams.get('tenant'), 'acme');
  assert.equal(login.searchParams.get('rd'), '/tables?x=1');

  const start = await owner.request({ method: 'GET', url: login.pathname + login.search });
  assert.equal(start.statusCode, 302);
  const code = new URL(String(start.headers.location));
  assert.equal(code.origin, 'https://acme.berth.localhost:8443');
  assert.equal(code.pathname, '/__berth/sso');
  assert.equal(start.headers['referrer-policy'], 'no-referrer');
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM sso_codes WHERE code_hash = ?').pluck().get(code.searchParams.get('code')), 0, 'only the hash is stored');

  const redeem = await owner.request({ method: 'GET', url: code.pathname + code.search, host: ACME, headers: { 'x-forwarded-host': ACME } });
  assert.equal(redeem.statusCode, 302);
  assert.equal(redeem.headers.location, '/tables?x=1');
  const cookie = setCookies(redeem).find((c) => c.name === '__Host-berth_t' && c.value !== '' && !c.domain)!;
  assert.ok(cookie, 'berth_t set host-only');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(cookie.path, '/');
  assert.equal(setCookies(redeem).some((c) => c.name === '__Host-berth_session'), false, 'no control-plane cookie on the tenant host');

  const ok = await forward(ACME, { cookie: `__Host-berth_t=${cookie.value}`, accept: html, uri: '/tables?x=1' });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.headers['x-berth-user-email'], 'owner@example.com');
  assert.equal(ok.headers['x-berth-user-role'], 'owner');
  assert.equal(ok.headers['x-berth-auth'], 'session');
  assert.match(String(ok.headers['x-berth-user-id']), /^\d+$/);

  // The tenant session never outlives its parent session.
  const [ts, s] = [
    t.db.prepare('SELECT MAX(expires_at) FROM tenant_sessions').pluck().get() as number,
    t.db.prepare('SELECT MAX(expires_at) FROM sessions').pluck().get() as number,
  ];
  assert.ok(ts <= s && ts <= Date.now() + 12 * 3600_000 + 1000);
});

test('a reused code is refused', async () => {
  const start = await owner.request({ method: 'GET', url: '/sso/start?tenant=acme&rd=%2F' });
  const code = new URL(String(start.headers.location));
  const url = code.pathname + code.search;
  const anon = new Browser(t);
  assert.equal((await anon.request({ method: 'GET', url, host: ACME })).statusCode, 302);
  const again = await anon.request({ method: 'GET', url, host: ACME });
  assert.equal(again.statusCode, 400);
  assert.equal(setCookies(again).some((c) => c.name === '__Host-berth_t' && c.value !== ''), false);
});

test('a code presented on another tenant host is refused and burned', async () => {
  const start = await owner.request({ method: 'GET', url: '/sso/start?tenant=acme&rd=%2F' });
  const code = new URL(String(start.headers.location));
  const url = code.pathname + code.search;
  const thief = new Browser(t);
  const wrongHost = await thief.request({ method: 'GET', url, host: BETA, headers: { 'x-forwarded-host': BETA } });
  assert.equal(wrongHost.statusCode, 400);
  assert.equal(thief.cookie(BETA, '__Host-berth_t'), undefined);
  assert.equal((await thief.request({ method: 'GET', url, host: ACME })).statusCode, 400, 'burned by the failed try');
  assert.equal((await thief.request({ method: 'GET', url, host: t.config.domain })).statusCode, 404, 'not a tenant host');
});

test('an expired code is refused', async () => {
  const start = await owner.request({ method: 'GET', url: '/sso/start?tenant=acme&rd=%2F' });
  const code = new URL(String(start.headers.location));
  t.db.prepare('UPDATE sso_codes SET expires_at = ?').run(Date.now() - 1);
  assert.equal((await new Browser(t).request({ method: 'GET', url: code.pathname + code.search, host: ACME })).statusCode, 400);
});

test("a tenant cookie replayed against another tenant is refused", async () => {
  const { tenantCookie } = await signInto(owner, 'acme');
  assert.ok(tenantCookie);
  const replay = await forward(BETA, { cookie: `__Host-berth_t=${tenantCookie}`, accept: 'application/json' });
  assert.equal(replay.statusCode, 401);
  assert.equal(replay.json().error.code, 'UNAUTHENTICATED');
  assert.equal(replay.headers['x-berth-user-email'], undefined);
  // A control-plane session cookie is not a tenant cookie either.
  const session = owner.cookie(t.config.domain, '__Host-berth_session');
  assert.equal((await forward(ACME, { cookie: `__Host-berth_t=${session}; __Host-berth_session=${session}` })).statusCode, 401);
});

test('a tossed cookie (sibling-set, sent first) does not hide the real one', async () => {
  const { tenantCookie: acmeCookie } = await signInto(owner, 'acme');
  const { tenantCookie: betaCookie } = await signInto(owner, 'beta');
  // What a sibling can toss is the unprefixed name; the __Host- one is the only one read.
  const res = await forward(ACME, { cookie: `berth_t=${betaCookie}; __Host-berth_t=${acmeCookie}` });
  assert.equal(res.statusCode, 200);
  const redeem = (await signInto(owner, 'acme')).redeem!;
  const cleaner = setCookies(redeem).find((c) => c.name === 'berth_t' && c.domain === t.config.domain);
  assert.ok(cleaner && (cleaner.maxAge === 0 || cleaner.value === ''), 'the redeem expires a parent-domain copy');
});

test('without a tenant cookie: browsers are redirected, API calls get 401; non-members get 403', async () => {
  const api = await forward(ACME, { accept: 'application/json', method: 'POST', uri: '/api/tables' });
  assert.equal(api.statusCode, 401);
  assert.equal(api.json().error.code, 'UNAUTHENTICATED');
  const post = await forward(ACME, { accept: html, method: 'POST' });
  assert.equal(post.statusCode, 401, 'only GET/HEAD navigations are redirected');
  const evilRd = await forward(ACME, { accept: html, uri: '//evil.example/x' });
  assert.equal(new URL(String(evilRd.headers.location)).searchParams.get('rd'), '/');

  const stranger = new Browser(t);
  await stranger.signUpWithForm('stranger@example.com');
  const refused = await stranger.request({ method: 'GET', url: '/sso/start?tenant=acme&rd=%2F' });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /You are not a member of acme/);
});

test('sso/start: no session → log in and come back; bad rd refused', async () => {
  const anon = new Browser(t);
  const res = await anon.request({ method: 'GET', url: '/sso/start?tenant=acme&rd=%2Fx' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/login?next=${encodeURIComponent('/sso/start?tenant=acme&rd=%2Fx')}`);
  const loginPage = await anon.request({ method: 'GET', url: String(res.headers.location) });
  const done = await anon.postForm('/login', { email: 'owner@example.com', password: 'correct horse battery', _csrf: Browser.csrfFrom(loginPage.body), next: '/sso/start?tenant=acme&rd=%2Fx' });
  assert.equal(done.headers.location, '/sso/start?tenant=acme&rd=%2Fx');
  const bad = await owner.request({ method: 'GET', url: `/sso/start?tenant=acme&rd=${encodeURIComponent('//evil.example')}` });
  assert.equal(bad.statusCode, 400);
  const unknown = await owner.request({ method: 'GET', url: '/sso/start?tenant=nosuch&rd=%2F' });
  assert.equal(unknown.statusCode, 404);
});

test('a bearer value that is no token of the control plane is refused (api-tokens.test.ts has the rest); health paths pass bare', async () => {
  const bearer = await forward(ACME, { authorization: 'Bearer abc.def' });
  assert.equal(bearer.statusCode, 401);
  assert.equal(bearer.headers['x-berth-auth'], undefined);
  for (const uri of ['/__lbheartbeat__', '/__heartbeat__', '/__version__?x=1']) {
    const res = await forward(ACME, { uri });
    assert.equal(res.statusCode, 200, uri);
    assert.equal(res.headers['x-berth-auth'], undefined, uri);
    assert.equal(res.headers['x-berth-user-email'], undefined, uri);
  }
});

test('unknown host, the control-plane host, and calls through the public router are refused with 404', async () => {
  assert.equal((await forward('nosuch.berth.localhost:8443')).statusCode, 404);
  assert.equal((await forward('berth.localhost:8443')).statusCode, 404);
  assert.equal((await forward('acme.evil.example')).statusCode, 404);
  const { tenantCookie } = await signInto(owner, 'acme');
  const viaPublic = await forward(ACME, { host: 'berth.localhost:8443', cookie: `__Host-berth_t=${tenantCookie}` });
  assert.equal(viaPublic.statusCode, 404);
});

test('member removal: refused at the next request; logout: every tenant refuses', async () => {
  const member = new Browser(t);
  assert.equal((await owner.api('POST', '/api/v1/tenants/acme/invitations', { email: 'member@example.com' })).statusCode, 201);
  await member.signUpWithForm('member@example.com');
  const memberId = t.db.prepare("SELECT id FROM users WHERE email = 'member@example.com'").pluck().get() as number;
  const { tenantCookie } = await signInto(member, 'acme');
  const ok = await forward(ACME, { cookie: `__Host-berth_t=${tenantCookie}` });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.headers['x-berth-user-role'], 'member');
  assert.equal((await owner.api('DELETE', `/api/v1/tenants/acme/members/${memberId}`)).statusCode, 204);
  const after = await forward(ACME, { cookie: `__Host-berth_t=${tenantCookie}`, accept: 'application/json' });
  assert.equal(after.statusCode, 401);

  const a = (await signInto(owner, 'acme')).tenantCookie;
  const b = (await signInto(owner, 'beta')).tenantCookie;
  assert.equal((await forward(ACME, { cookie: `__Host-berth_t=${a}` })).statusCode, 200);
  assert.equal((await forward(BETA, { cookie: `__Host-berth_t=${b}` })).statusCode, 200);
  const dash = await owner.request({ method: 'GET', url: '/' });
  assert.equal((await owner.postForm('/logout', { _csrf: Browser.csrfFrom(dash.body) })).statusCode, 303);
  assert.equal((await forward(ACME, { cookie: `__Host-berth_t=${a}` })).statusCode, 401);
  assert.equal((await forward(BETA, { cookie: `__Host-berth_t=${b}` })).statusCode, 401);
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM tenant_sessions').pluck().get(), 0, 'cascade removed every tenant session');
});
