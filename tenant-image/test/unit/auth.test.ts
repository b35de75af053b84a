import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTML, session, startTestApp } from '../support/test-app.js';

test('no identity: 401 JSON for the API, a sign-in page for browsers', async (t) => {
  const ta = await startTestApp({ BERTH_CONTROL_PLANE_URL: 'https://berth.localhost' });
  t.after(() => ta.close());
  const api = await ta.app.inject('/api/tables');
  assert.equal(api.statusCode, 401);
  assert.deepEqual(Object.keys(api.json().error).sort(), ['code', 'message']);
  assert.equal(api.json().error.code, 'UNAUTHENTICATED');
  const page = await ta.app.inject({ url: '/', headers: { ...HTML, host: 'acme.berth.localhost' } });
  assert.equal(page.statusCode, 401);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.match(page.body, /href="https:\/\/berth\.localhost\/login\?next=https%3A%2F%2Facme\.berth\.localhost%2F"/);
  // Session headers without a role are not an identity.
  const partial = await ta.app.inject({ url: '/api/tables', headers: { 'x-berth-auth': 'session', 'x-berth-user-id': 'u1', 'x-berth-user-email': 'a@b.c' } });
  assert.equal(partial.statusCode, 401);
});

test('CSRF: cookie-authenticated unsafe requests need this origin; bearer requests are exempt', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  ta.db.exec('CREATE TABLE t (a TEXT)');
  const body = { rows: [{ a: 'x' }] };
  const { origin: _o, ...noOrigin } = session();
  const cases: Array<[string, Record<string, string>, number]> = [
    ['same origin', session(), 201],
    ['no origin', noOrigin, 403],
    ['sibling tenant', { ...noOrigin, origin: 'https://evil.berth.localhost' }, 403],
    ['other port', { ...noOrigin, origin: 'https://acme.berth.localhost:8443' }, 403],
    ['null origin', { ...noOrigin, origin: 'null' }, 403],
    ['sec-fetch-site same-origin', { ...noOrigin, 'sec-fetch-site': 'same-origin' }, 201],
    ['sec-fetch-site same-site', { ...noOrigin, 'sec-fetch-site': 'same-site' }, 403],
  ];
  for (const [name, headers, status] of cases) {
    const res = await ta.app.inject({ method: 'POST', url: '/api/tables/t/rows', headers, payload: body });
    assert.equal(res.statusCode, status, name);
    if (status === 403) assert.equal(res.json().error.code, 'CSRF_FAILED', name);
  }
  // Safe methods need no origin.
  assert.equal((await ta.app.inject({ url: '/api/tables', headers: noOrigin })).statusCode, 200);
});

test('API tokens: created once by a person, used as bearer, revoked', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  ta.db.exec('CREATE TABLE t (a TEXT)');
  const created = await ta.app.inject({ method: 'POST', url: '/api/tokens', headers: session('member', 'bo@example.com'), payload: { name: 'ci' } });
  assert.equal(created.statusCode, 201);
  const { token, id } = created.json();
  assert.match(token, /^berth_/);
  const stored = ta.db.prepare('SELECT token_hash FROM _berth_api_tokens WHERE id = ?').pluck().get(id) as string;
  assert.notEqual(stored, token);
  assert.match(stored, /^[0-9a-f]{64}$/);
  const list = (await ta.app.inject({ url: '/api/tokens', headers: session() })).json().tokens;
  assert.equal(list.length, 1);
  assert.equal(JSON.stringify(list).includes(token), false, 'the token is never shown again');

  // Behind Traefik a bearer request carries X-Berth-Auth: bearer; locally, the header alone works too.
  for (const headers of [{ authorization: `Bearer ${token}`, 'x-berth-auth': 'bearer' }, { authorization: `Bearer ${token}` }]) {
    const me = await ta.app.inject({ url: '/api/me', headers });
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json(), { userId: 'u-bo@example.com', email: 'bo@example.com', role: 'member', via: 'bearer' });
  }
  // Bearer writes need no Origin (no ambient credential), but a token cannot mint tokens.
  const write = await ta.app.inject({ method: 'POST', url: '/api/tables/t/rows', headers: { authorization: `Bearer ${token}` }, payload: { rows: [{ a: 'x' }] } });
  assert.equal(write.statusCode, 201);
  const mint = await ta.app.inject({ method: 'POST', url: '/api/tokens', headers: { authorization: `Bearer ${token}` }, payload: { name: 'x' } });
  assert.equal(mint.statusCode, 403);
  assert.equal(mint.json().error.code, 'FORBIDDEN');

  assert.equal((await ta.app.inject({ url: '/api/me', headers: { authorization: 'Bearer berth_wrong' } })).statusCode, 401);
  assert.equal((await ta.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: session() })).statusCode, 204);
  assert.equal((await ta.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 401);
  assert.equal((await ta.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: session() })).statusCode, 404);
});

test('tokens page: create shows the token once, revoke by form', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  const res = await ta.app.inject({ method: 'POST', url: '/tokens', headers: { ...session(), ...HTML, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=%3Cb%3Enightly' });
  assert.equal(res.statusCode, 201);
  assert.match(res.body, /id="new-token"[^>]*>berth_/);
  assert.match(res.body, /&lt;b&gt;nightly/);
  assert.doesNotMatch(res.body, /<b>nightly/);
  const page = await ta.app.inject({ url: '/tokens', headers: { ...session(), ...HTML } });
  assert.doesNotMatch(page.body, /id="new-token"/);
  const id = ta.db.prepare('SELECT id FROM _berth_api_tokens').pluck().get();
  const revoke = await ta.app.inject({ method: 'POST', url: `/tokens/${id}/revoke`, headers: session() });
  assert.equal(revoke.statusCode, 303);
  assert.equal(ta.db.prepare('SELECT count(*) FROM _berth_api_tokens WHERE revoked_at IS NULL').pluck().get(), 0);
});
