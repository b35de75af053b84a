import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { reserveLoginAttempt } from '../../../src/auth/login-throttle.js';
import { Browser, formBody, setCookies, startTestApp, type TestApp } from './test-app.js';

const LIMIT = 3;
let t: TestApp;
before(async () => {
  t = await startTestApp({ BERTH_SIGNUP_LIMIT_PER_ADDRESS: String(LIMIT), BERTH_SIGNUP_LIMIT_WINDOW_MINUTES: '60' });
});
after(() => t.close());

// Requests reach the control plane from Traefik on 127.0.0.1 with the client in X-Forwarded-For.
const from = (address: string) => ({ 'x-forwarded-for': address });

async function signUpWithFormFrom(address: string, email: string, password = 'correct horse battery'): Promise<LightMyRequestResponse> {
  const b = new Browser(t);
  const page = await b.request({ method: 'GET', url: '/signup' });
  return b.postForm('/signup', { email, password, _csrf: Browser.csrfFrom(page.body) }, from(address));
}

async function signUpWithApiFrom(address: string, email: string): Promise<LightMyRequestResponse> {
  const token = (await t.app.inject({ method: 'GET', url: '/api/v1/csrf' })).json().csrfToken as string;
  return t.app.inject({
    method: 'POST', url: '/api/v1/signup', payload: { email, password: 'correct horse battery' },
    headers: { cookie: `__Host-berth_csrf=${token}`, 'x-csrf-token': token, ...from(address) },
  });
}

const signupRows = (address: string) => t.db.prepare('SELECT count(*) FROM login_failures WHERE key = ?').pluck().get(`signup-address:${address}`) as number;

test(`after ${LIMIT} sign-ups from one address the form and the API answer 429 with Retry-After; other addresses still sign up`, async () => {
  const address = '198.51.100.1';
  for (let i = 0; i < LIMIT; i++) assert.equal((await signUpWithFormFrom(address, `form${i}@example.com`)).statusCode, 303, `sign-up ${i + 1}`);

  const page = await signUpWithFormFrom(address, 'one-more@example.com');
  assert.equal(page.statusCode, 429);
  const retryAfter = Number(page.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 3600, `retry-after ${retryAfter}`);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.match(page.body, /data-testid="form-error">Too many sign-ups from your network\. Try again in (59|60) minutes\./);
  assert.match(page.body, /value="one-more@example\.com"/, 'email kept in the form');
  assert.equal(setCookies(page).some((c) => c.name === '__Host-berth_session'), false);

  const api = await signUpWithApiFrom(address, 'api@example.com');
  assert.equal(api.statusCode, 429);
  assert.deepEqual(Object.keys(api.json()), ['error']);
  assert.equal(api.json().error.code, 'RATE_LIMITED');
  assert.ok(Number(api.json().error.details.retryAfterS) > 0);
  assert.ok(Number(api.headers['retry-after']) > 0);

  const users = t.db.prepare("SELECT email FROM users WHERE email IN ('one-more@example.com', 'api@example.com')").all();
  assert.deepEqual(users, [], 'no account was created while limited');
  assert.equal(signupRows(address), LIMIT, 'refused sign-ups are not counted');
  assert.equal((await signUpWithApiFrom('198.51.100.2', 'api@example.com')).statusCode, 201);
});

test('invalid forms do not count; a taken email does (it costs a hash and reveals an account)', async () => {
  const address = '198.51.100.10';
  const b = new Browser(t);
  const csrf = Browser.csrfFrom((await b.request({ method: 'GET', url: '/signup' })).body);
  for (let i = 0; i < LIMIT + 2; i++) {
    const bad = await b.postForm('/signup', { email: 'not-an-email', password: 'short', _csrf: csrf }, from(address));
    assert.equal(bad.statusCode, 422);
  }
  assert.equal(signupRows(address), 0);
  assert.equal((await signUpWithFormFrom(address, 'form0@example.com')).statusCode, 409);
  assert.equal(signupRows(address), 1);
});

test('the window slides: once the oldest counted sign-up is older than the window, one more is allowed', async () => {
  const address = '198.51.100.20';
  for (let i = 0; i < LIMIT; i++) assert.equal((await signUpWithApiFrom(address, `slide${i}@example.com`)).statusCode, 201);
  assert.equal((await signUpWithApiFrom(address, 'slide-late@example.com')).statusCode, 429);
  // Age the oldest row past the hour instead of waiting one.
  t.db.prepare('UPDATE login_failures SET at = at - 3600000 WHERE rowid = (SELECT min(rowid) FROM login_failures WHERE key = ?)')
    .run(`signup-address:${address}`);
  assert.equal((await signUpWithApiFrom(address, 'slide-late@example.com')).statusCode, 201);
  assert.equal((await signUpWithApiFrom(address, 'slide-later@example.com')).statusCode, 429);
});

test('concurrent sign-ups from one address cannot overrun the limit', async () => {
  const address = '198.51.100.30';
  const results = await Promise.all(Array.from({ length: LIMIT + 3 }, (_, i) => signUpWithApiFrom(address, `burst${i}@example.com`)));
  const codes = results.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [...Array(LIMIT).fill(201), ...Array(3).fill(429)]);
});

test('login failures prune only their own rows, never the longer-lived sign-up rows', async () => {
  const address = '198.51.100.40';
  const twentyMinutesAgo = Date.now() - 20 * 60_000;
  t.db.prepare('INSERT INTO login_failures (key, at) VALUES (?, ?)').run(`signup-address:${address}`, twentyMinutesAgo);
  reserveLoginAttempt(t.db, { email: 'someone@example.com', address }, Date.now());
  assert.equal(signupRows(address), 1);
});

test('sign-up needs the pre-session CSRF token before it is counted', async () => {
  const address = '198.51.100.50';
  const res = await t.app.inject({
    method: 'POST', url: '/signup', payload: formBody({ email: 'x@example.com', password: 'correct horse battery' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...from(address) },
  });
  assert.equal(res.statusCode, 403);
  assert.equal(signupRows(address), 0);
});
