import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, setCookies, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('sign up with the form: session cookie is host-only, HttpOnly, Secure, SameSite=Lax; the first user is not an admin', async () => {
  const b = new Browser(t);
  const res = await b.signUpWithForm('first@example.com');
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/');
  const cookie = setCookies(res).find((c) => c.name === '__Host-berth_session')!;
  assert.ok(cookie, 'berth_session set');
  assert.equal(cookie.domain, undefined, 'no Domain attribute');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(cookie.path, '/');
  assert.ok(cookie.expires && cookie.expires.getTime() > Date.now() + 13 * 24 * 3600_000);
  const me = (await b.request({ method: 'GET', url: '/api/v1/me' })).json();
  assert.deepEqual({ email: me.user.email, isAdmin: me.user.isAdmin }, { email: 'first@example.com', isAdmin: false });
  // Only the SHA-256 of the cookie value is stored.
  const stored = t.db.prepare('SELECT id_hash FROM sessions').pluck().all() as string[];
  assert.ok(!stored.includes(cookie.value));
  const dash = await b.request({ method: 'GET', url: '/' });
  assert.match(dash.body, /Your instances/);
  assert.match(dash.body, /first@example\.com/);
});

test('sign-up validation: clear messages per field, taken email refused', async () => {
  const b = new Browser(t);
  const page = await b.request({ method: 'GET', url: '/signup' });
  assert.match(page.body, /<label for="email">/);
  assert.match(page.body, /<label for="password">/);
  const csrf = Browser.csrfFrom(page.body);
  const bad = await b.postForm('/signup', { email: 'nope', password: 'short', _csrf: csrf });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter an email address like name@example\.com/);
  assert.match(bad.body, /Use at least 10 characters/);
  assert.match(bad.body, /value="nope"/, 'email kept in the form');
  const taken = await b.postForm('/signup', { email: 'FIRST@example.com', password: 'long enough pw', _csrf: csrf });
  assert.equal(taken.statusCode, 409);
  assert.match(taken.body, /already exists/);
  assert.equal(setCookies(taken).some((c) => c.name === '__Host-berth_session'), false);
});

test('log in and log out with the forms; logout ends the session server-side', async () => {
  const b = new Browser(t);
  const wrong = await b.logInWithForm('first@example.com', 'wrong password!');
  assert.equal(wrong.statusCode, 401);
  assert.match(wrong.body, /Wrong email or password/);
  const ok = await b.logInWithForm('first@example.com');
  assert.equal(ok.statusCode, 303);
  const stolen = b.cookie(t.config.domain, '__Host-berth_session')!;
  const dash = await b.request({ method: 'GET', url: '/' });
  const out = await b.postForm('/logout', { _csrf: Browser.csrfFrom(dash.body) });
  assert.equal(out.statusCode, 303);
  assert.equal(b.cookie(t.config.domain, '__Host-berth_session'), undefined, 'cookie cleared');
  // A copy of the old cookie is worthless now.
  const replay = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `__Host-berth_session=${stolen}` } });
  assert.equal(replay.statusCode, 401);
  assert.equal(replay.json().error.code, 'UNAUTHENTICATED');
});

test('login form carries a local next path and refuses other hosts', async () => {
  const b = new Browser(t);
  const page = await b.request({ method: 'GET', url: '/login?next=%2Fsso%2Fstart%3Ftenant%3Dacme' });
  assert.match(page.body, /name="next" value="\/sso\/start\?tenant=acme"/);
  const res = await b.postForm('/login', { email: 'first@example.com', password: 'correct horse battery', _csrf: Browser.csrfFrom(page.body), next: '//evil.example' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/');
});

test('JSON API: csrf bootstrap, signup, login, me, logout', async () => {
  const boot = await t.app.inject({ method: 'GET', url: '/api/v1/csrf' });
  const pre = boot.json().csrfToken as string;
  const preCookie = `__Host-berth_csrf=${pre}`;
  const signup = await t.app.inject({
    method: 'POST', url: '/api/v1/signup', headers: { cookie: preCookie, 'x-csrf-token': pre }, payload: { email: 'api@example.com', password: 'long enough pw' },
  });
  assert.equal(signup.statusCode, 201);
  assert.equal(signup.json().user.email, 'api@example.com');
  const invalid = await t.app.inject({
    method: 'POST', url: '/api/v1/signup', headers: { cookie: preCookie, 'x-csrf-token': pre }, payload: { email: 'x', password: 'y' },
  });
  assert.equal(invalid.statusCode, 422);
  assert.equal(invalid.json().error.code, 'VALIDATION_FAILED');
  assert.ok(invalid.json().error.details.fields.email && invalid.json().error.details.fields.password);
  const login = await t.app.inject({
    method: 'POST', url: '/api/v1/login', headers: { cookie: preCookie, 'x-csrf-token': pre }, payload: { email: 'API@example.com', password: 'long enough pw' },
  });
  assert.equal(login.statusCode, 200);
  const session = setCookies(login).find((c) => c.name === '__Host-berth_session')!.value;
  const csrf = login.json().csrfToken as string;
  const cookie = `__Host-berth_session=${session}`;
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json().user.email, 'api@example.com');
  const logout = await t.app.inject({ method: 'POST', url: '/api/v1/logout', headers: { cookie, 'x-csrf-token': csrf } });
  assert.equal(logout.statusCode, 204);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode, 401);
});

test('pages are escaped and carry a strict Content-Security-Policy', async () => {
  const b = new Browser(t);
  const page = await b.request({ method: 'GET', url: '/login?next=%2F%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
  assert.ok(!page.body.includes('<script>alert(1)'), 'next is escaped');
  assert.match(page.body, /&quot;&gt;&lt;script&gt;/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(page.headers['x-frame-options'], 'DENY');
});
