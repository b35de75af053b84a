// Cookie tossing: a sibling subdomain (a compromised tenant) sets cookies with Domain=<domain>
// and long paths, which the browser sends before the real one. With __Host- names the sibling
// cannot set the real name at all, and the unprefixed copies it can set are never read: they
// neither lock the victim out (before: only the first four values were tried) nor swap the
// victim into the attacker's session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Browser, setCookies, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let victim: Browser;
let attacker: Browser;
const ACME = 'acme.berth.localhost:8443';

before(async () => {
  t = await startTestApp();
  victim = new Browser(t);
  attacker = new Browser(t);
  await victim.signUpWithForm('victim@example.com');
  await attacker.signUpWithForm('attacker@example.com');
  assert.equal((await victim.api('POST', '/api/v1/tenants', { slug: 'acme' })).statusCode, 201);
  assert.equal((await attacker.api('POST', '/api/v1/tenants', { slug: 'evil' })).statusCode, 201);
});
after(() => t.close());

function forward(cookie: string): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'GET',
    url: '/auth/forward',
    headers: { host: '127.0.0.1:8088', 'x-forwarded-host': ACME, 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', accept: 'application/json', cookie },
  });
}

async function tenantCookieOf(b: Browser, slug: string): Promise<string> {
  const host = `${slug}.berth.localhost:8443`;
  const start = await b.request({ method: 'GET', url: `/sso/start?tenant=${slug}&rd=/` });
  const location = new URL(String(start.headers.location));
  await b.request({ method: 'GET', url: location.pathname + location.search, host, headers: { 'x-forwarded-host': host } });
  return b.cookie(host, '__Host-berth_t')!;
}

const junk = (n: number, name: string) => Array.from({ length: n }, (_, i) => `${name}=${'x'.repeat(43)}${i}`).join('; ');

test('every cookie berth sets has the __Host- name: Secure, Path=/, no Domain', async () => {
  const b = new Browser(t);
  const page = await b.request({ method: 'GET', url: '/signup' });
  const signup = await b.request({ method: 'POST', url: '/signup', payload: `email=${encodeURIComponent('names@example.com')}&password=correct+horse+battery&_csrf=${Browser.csrfFrom(page.body)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const set = [...setCookies(page), ...setCookies(signup)];
  assert.deepEqual(set.map((c) => c.name).sort(), ['__Host-berth_csrf', '__Host-berth_session']);
  for (const c of set) {
    assert.equal(c.secure, true, c.name);
    assert.equal(c.path, '/', c.name);
    assert.equal(c.domain, undefined, c.name);
  }
});

test('many tossed unprefixed berth_t cookies sent first: the real __Host- cookie still authenticates', async () => {
  const real = await tenantCookieOf(victim, 'acme');
  const res = await forward(`${junk(60, 'berth_t')}; __Host-berth_t=${real}`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-berth-user-email'], 'victim@example.com');
});

test('a tossed unprefixed cookie is ignored, even a valid session: no swap into the attacker\'s session', async () => {
  const real = await tenantCookieOf(victim, 'acme');
  // The attacker's own valid tenant session for acme does not exist (not a member), so toss
  // the victim's own value unprefixed: a value is only ever read under the __Host- name.
  assert.equal((await forward(`berth_t=${real}`)).statusCode, 401);
  // The control plane: the attacker's valid session tossed unprefixed before the victim's.
  const attackerSession = attacker.cookie(t.config.domain, '__Host-berth_session')!;
  const victimSession = victim.cookie(t.config.domain, '__Host-berth_session')!;
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { host: t.config.domain, cookie: `${junk(40, 'berth_session')}; berth_session=${attackerSession}; __Host-berth_session=${victimSession}` } });
  assert.equal(me.statusCode, 200);
  assert.equal((me.json() as { user: { email: string } }).user.email, 'victim@example.com');
  const tossedOnly = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { host: t.config.domain, cookie: `berth_session=${attackerSession}` } });
  assert.equal(tossedOnly.statusCode, 401);
});

test('a tossed pre-session CSRF cookie cannot stand in for the real one (login CSRF by tossing)', async () => {
  const token = 'A'.repeat(43);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/login',
    headers: { host: t.config.domain, origin: t.config.publicUrl, 'content-type': 'application/json', 'x-csrf-token': token, cookie: `berth_csrf=${token}` },
    payload: { email: 'attacker@example.com', password: 'correct horse battery' },
  });
  assert.equal(res.statusCode, 403);
  assert.equal((res.json() as { error: { code: string } }).error.code, 'CSRF_FAILED');
});

test('without Secure cookies (no HTTPS) the plain names are used, and tossed copies sent first do not hide the real one', async () => {
  const dev = await startTestApp({ BERTH_SECURE_COOKIES: 'false' });
  try {
    const b = new Browser(dev);
    const signup = await b.signUpWithForm('dev@example.com');
    assert.ok(setCookies(signup).some((c) => c.name === 'berth_session' && c.secure !== true));
    const real = b.cookie(dev.config.domain, 'berth_session')!;
    const me = await dev.app.inject({ method: 'GET', url: '/api/v1/me', headers: { host: dev.config.domain, cookie: `${junk(10, 'berth_session')}; berth_session=${real}` } });
    assert.equal(me.statusCode, 200);
  } finally {
    await dev.close();
  }
});
