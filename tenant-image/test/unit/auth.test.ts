import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, HTML, session, startTestApp } from '../support/test-app.js';

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

test('bearer identities come only from ForwardAuth; a bare token is nobody; writes need no Origin', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  ta.db.exec('CREATE TABLE t (a TEXT)');
  const me = await ta.app.inject({ url: '/api/me', headers: bearer('member', 'write', 'bo@example.com') });
  assert.equal(me.statusCode, 200);
  assert.deepEqual(me.json(), { userId: 'u-bo@example.com', email: 'bo@example.com', role: 'member', via: 'bearer' });
  const write = await ta.app.inject({ method: 'POST', url: '/api/tables/t/rows', headers: bearer('member', 'write'), payload: { rows: [{ a: 'x' }] } });
  assert.equal(write.statusCode, 201);
  // Before tokens moved to the control plane, this app checked Authorization itself.
  for (const headers of [{ authorization: 'Bearer berth_old' }, { authorization: 'Bearer berth_old', 'x-berth-auth': 'bearer' }]) {
    assert.equal((await ta.app.inject({ url: '/api/me', headers })).statusCode, 401);
  }
});

test('the old token addresses point to the control plane, which makes and revokes tokens', async (t) => {
  const ta = await startTestApp({ BERTH_TENANT_SLUG: 'acme', BERTH_CONTROL_PLANE_URL: 'https://berth.localhost' });
  t.after(() => ta.close());
  const page = await ta.app.inject({ url: '/tokens', headers: { ...session(), ...HTML } });
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, 'https://berth.localhost/instances/acme#tokens');
  for (const [method, url] of [['GET', '/api/tokens'], ['POST', '/api/tokens'], ['DELETE', '/api/tokens/1']] as const) {
    const res = await ta.app.inject({ method, url, headers: session(), ...(method === 'POST' ? { payload: { name: 'x' } } : {}) });
    assert.equal(res.statusCode, 404, url);
    assert.match(res.json().error.message, /berth\.localhost\/instances\/acme/);
  }
});
