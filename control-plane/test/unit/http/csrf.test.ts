import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, formBody, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let b: Browser;
before(async () => {
  t = await startTestApp();
  b = new Browser(t);
  await b.signUpWithForm('owner@example.com');
});
after(() => t.close());

const form = { 'content-type': 'application/x-www-form-urlencoded' };

test('page forms: missing or wrong token is refused, nothing is written', async () => {
  for (const fields of [{ slug: 'nocsrf' }, { slug: 'badcsrf', _csrf: 'x'.repeat(43) }]) {
    const res = await b.request({ method: 'POST', url: '/instances', payload: formBody(fields), headers: form });
    assert.equal(res.statusCode, 403, JSON.stringify(fields));
    assert.match(res.body, /expired or is missing/);
  }
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM tenants').pluck().get(), 0);
  assert.equal(t.nudges(), 0);
});

test('page forms: a sibling subdomain (same site, other origin) is refused even with the right token', async () => {
  const csrf = await b.csrfToken();
  const res = await b.request({
    method: 'POST', url: '/instances', payload: formBody({ slug: 'sibling', _csrf: csrf }),
    headers: { ...form, origin: 'https://evil.berth.localhost:8443' },
  });
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /another site/);
  const viaReferer = await b.request({
    method: 'POST', url: '/instances', payload: formBody({ slug: 'sibling', _csrf: csrf }),
    headers: { ...form, referer: 'https://berth.localhost:8443.evil.example/' },
  });
  assert.equal(viaReferer.statusCode, 403);
  const ours = await b.request({
    method: 'POST', url: '/instances', payload: formBody({ slug: 'sibling', _csrf: csrf }),
    headers: { ...form, origin: t.config.publicUrl },
  });
  assert.equal(ours.statusCode, 303);
});

test('API: unsafe calls need x-csrf-token equal to the session token, and our origin', async () => {
  const none = await b.request({ method: 'POST', url: '/api/v1/tenants', payload: { slug: 'apinone' } });
  assert.equal(none.statusCode, 403);
  assert.equal(none.json().error.code, 'CSRF_FAILED');
  const wrong = await b.request({ method: 'POST', url: '/api/v1/tenants', payload: { slug: 'apiwrong' }, headers: { 'x-csrf-token': 'nope' } });
  assert.equal(wrong.json().error.code, 'CSRF_FAILED');
  const csrf = await b.csrfToken();
  const cross = await b.request({ method: 'POST', url: '/api/v1/tenants', payload: { slug: 'apicross' }, headers: { 'x-csrf-token': csrf, origin: 'https://evil.example' } });
  assert.equal(cross.json().error.code, 'CSRF_FAILED');
  const del = await b.request({ method: 'DELETE', url: '/api/v1/tenants/sibling' });
  assert.equal(del.json().error.code, 'CSRF_FAILED');
  const logout = await b.request({ method: 'POST', url: '/api/v1/logout' });
  assert.equal(logout.json().error.code, 'CSRF_FAILED');
  const ok = await b.request({ method: 'POST', url: '/api/v1/tenants', payload: { slug: 'apiok' }, headers: { 'x-csrf-token': csrf } });
  assert.equal(ok.statusCode, 201);
});

test('logout form without the token does not log out', async () => {
  const res = await b.postForm('/logout', {});
  assert.equal(res.statusCode, 403);
  assert.equal((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode, 200);
});

test('login and signup (no session yet) use a double-submit token', async () => {
  const anon = new Browser(t);
  await anon.request({ method: 'GET', url: '/login' });
  const noToken = await anon.postForm('/login', { email: 'owner@example.com', password: 'correct horse battery' });
  assert.equal(noToken.statusCode, 403);
  const forged = await anon.postForm('/signup', { email: 'new@example.com', password: 'long enough pw', _csrf: 'y'.repeat(43) });
  assert.equal(forged.statusCode, 403);
  // A cross-site page cannot read or set our cookie, so it cannot submit a matching token.
  const fresh = new Browser(t);
  const noCookie = await fresh.postForm('/login', { email: 'owner@example.com', password: 'correct horse battery', _csrf: 'z'.repeat(43) });
  assert.equal(noCookie.statusCode, 403);
  const apiNoToken = await t.app.inject({ method: 'POST', url: '/api/v1/login', payload: { email: 'owner@example.com', password: 'correct horse battery' } });
  assert.equal(apiNoToken.statusCode, 403);
  assert.equal(apiNoToken.json().error.code, 'CSRF_FAILED');
  assert.equal(t.db.prepare("SELECT COUNT(*) FROM users WHERE email = 'new@example.com'").pluck().get(), 0);
});
