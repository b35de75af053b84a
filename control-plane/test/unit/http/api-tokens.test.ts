// API tokens live in the control plane and ForwardAuth decides every bearer request: a token
// dies with its holder's membership, the instance, its expiry, a revoke, and its holder's
// log-out. Tested against the real app on a real SQLite file, through /auth/forward exactly
// as Traefik calls it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { Browser, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let owner: Browser;
const host = (slug: string) => `${slug}.berth.localhost:8443`;

before(async () => {
  t = await startTestApp();
  owner = new Browser(t);
  await owner.signUpWithForm('owner@example.com');
});
after(() => t.close());

function forward(slug: string, authorization: string, uri = '/api/me'): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'GET',
    url: '/auth/forward',
    headers: { host: '127.0.0.1:8088', 'x-forwarded-host': host(slug), 'x-forwarded-uri': uri, 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', accept: 'application/json', authorization },
  });
}

async function instanceWithMember(slug: string, email: string, role?: 'viewer'): Promise<{ member: Browser; userId: number }> {
  assert.equal((await owner.api('POST', '/api/v1/tenants', { slug })).statusCode, 201);
  // Invited by address, joined at log-in or sign-up (invitations.test.ts).
  assert.equal((await owner.api('POST', `/api/v1/tenants/${slug}/invitations`, { email })).statusCode, 201);
  const member = new Browser(t);
  if ((await member.logInWithForm(email)).statusCode !== 303) await member.signUpWithForm(email);
  const userId = t.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(email) as number;
  if (role) {
    const headers = { 'x-csrf-token': await owner.csrfToken() };
    assert.equal((await owner.request({ method: 'PUT', url: `/api/v1/tenants/${slug}/members/${userId}`, headers, payload: { role } })).statusCode, 200);
  }
  return { member, userId };
}

async function makeToken(b: Browser, slug: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return b.api('POST', `/api/v1/tenants/${slug}/tokens`, body);
}

test('a token acts for its holder with the role its scope allows; only its hash is stored', async () => {
  const { member, userId } = await instanceWithMember('tok1', 'bo@example.com');
  const write = await makeToken(member, 'tok1', { name: 'ci', scope: 'write' });
  assert.equal(write.statusCode, 201);
  assert.equal(write.headers['cache-control'], 'no-store');
  const { token, expiresAt } = write.json();
  assert.match(token, /^bth_[A-Za-z0-9_-]{43}$/);
  assert.equal(Math.round((Date.parse(expiresAt) - Date.now()) / 86_400_000), 90, 'default lifetime');
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM api_tokens WHERE token_hash = ? OR hint = ?').pluck().get(token, token), 0);

  const ok = await forward('tok1', `Bearer ${token}`);
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.headers['x-berth-user-id'], String(userId));
  assert.equal(ok.headers['x-berth-user-email'], 'bo@example.com');
  assert.equal(ok.headers['x-berth-user-role'], 'member');
  assert.equal(ok.headers['x-berth-auth'], 'bearer');
  assert.equal(ok.headers['x-berth-token-scope'], 'write');

  const read = (await makeToken(member, 'tok1', { name: 'dash', scope: 'read', days: 7 })).json().token as string;
  const viaRead = await forward('tok1', `Bearer ${read}`);
  assert.equal(viaRead.headers['x-berth-user-role'], 'viewer', 'a read scope caps the role at viewer');
  assert.equal(viaRead.headers['x-berth-token-scope'], 'read');

  // Bound to its tenant: the same token on another instance is nobody.
  assert.equal((await owner.api('POST', '/api/v1/tenants', { slug: 'tok1b' })).statusCode, 201);
  assert.equal((await forward('tok1b', `Bearer ${token}`)).statusCode, 401);
});

test('removing a member ends their tokens at the next request', async () => {
  const { member, userId } = await instanceWithMember('tok2', 'cy@example.com');
  const token = (await makeToken(member, 'tok2', { name: 'ci', scope: 'write' })).json().token as string;
  assert.equal((await forward('tok2', `Bearer ${token}`)).statusCode, 200);
  assert.equal((await owner.api('DELETE', `/api/v1/tenants/tok2/members/${userId}`)).statusCode, 204);
  const after = await forward('tok2', `Bearer ${token}`);
  assert.equal(after.statusCode, 401);
  assert.equal(after.json().error.code, 'UNAUTHENTICATED');
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM api_tokens t JOIN tenants n ON n.id = t.tenant_id WHERE n.slug = ?').pluck().get('tok2'), 0, 'the rows went too');
});

test('a membership gone without the row cleanup still refuses the token (ForwardAuth checks membership itself)', async () => {
  const { member, userId } = await instanceWithMember('tok3', 'di@example.com');
  const token = (await makeToken(member, 'tok3', { name: 'ci', scope: 'write' })).json().token as string;
  t.db.prepare('DELETE FROM memberships WHERE user_id = ? AND tenant_id = (SELECT id FROM tenants WHERE slug = ?)').run(userId, 'tok3');
  assert.equal((await forward('tok3', `Bearer ${token}`)).statusCode, 401);
});

test('deleting the instance ends its tokens', async () => {
  assert.equal((await owner.api('POST', '/api/v1/tenants', { slug: 'tok4' })).statusCode, 201);
  const token = (await makeToken(owner, 'tok4', { name: 'ci', scope: 'write' })).json().token as string;
  assert.equal((await forward('tok4', `Bearer ${token}`)).statusCode, 200);
  assert.equal((await owner.api('DELETE', '/api/v1/tenants/tok4')).statusCode, 204);
  assert.equal((await forward('tok4', `Bearer ${token}`)).statusCode, 404);
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM api_tokens t JOIN tenants n ON n.id = t.tenant_id WHERE n.slug = ?').pluck().get('tok4'), 0);
});

test('logging out ends every session and every API token of that person', async () => {
  const { member } = await instanceWithMember('tok5', 'ed@example.com');
  const other = new Browser(t);
  assert.equal((await other.logInWithForm('ed@example.com')).statusCode, 303);
  const token = (await makeToken(member, 'tok5', { name: 'ci', scope: 'write' })).json().token as string;
  const ownerToken = (await makeToken(owner, 'tok5', { name: 'owner-ci', scope: 'write' })).json().token as string;
  const dash = await member.request({ method: 'GET', url: '/' });
  assert.equal((await member.postForm('/logout', { _csrf: Browser.csrfFrom(dash.body) })).statusCode, 303);
  assert.equal((await forward('tok5', `Bearer ${token}`)).statusCode, 401);
  assert.equal((await other.request({ method: 'GET', url: '/api/v1/me' })).statusCode, 401, 'the other browser is logged out too');
  assert.equal((await forward('tok5', `Bearer ${ownerToken}`)).statusCode, 200, "someone else's token is untouched");
});

test('expired tokens are refused; lifetimes are bounded by the setting', async () => {
  assert.equal((await owner.api('POST', '/api/v1/tenants', { slug: 'tok6' })).statusCode, 201);
  const created = (await makeToken(owner, 'tok6', { name: 'short', scope: 'read', days: 1 })).json();
  assert.equal((await forward('tok6', `Bearer ${created.token}`)).statusCode, 200);
  t.db.prepare('UPDATE api_tokens SET expires_at = ? WHERE id = ?').run(Date.now() - 1, created.id);
  assert.equal((await forward('tok6', `Bearer ${created.token}`)).statusCode, 401);
  for (const days of [0, t.config.apiTokenMaxDays + 1]) {
    const res = await makeToken(owner, 'tok6', { name: 'x', scope: 'read', days });
    assert.equal(res.statusCode, 422, `days ${days}`);
  }
  assert.equal((await makeToken(owner, 'tok6', { name: 'x', scope: 'admin' })).statusCode, 422);
});

test('who may see and revoke tokens: holders their own, owners any; viewers only make read tokens', async () => {
  const { member } = await instanceWithMember('tok7', 'fi@example.com');
  const ownerTok = (await makeToken(owner, 'tok7', { name: 'owner-ci', scope: 'write' })).json();
  const memberTok = (await makeToken(member, 'tok7', { name: 'member-ci', scope: 'write' })).json();
  const seen = (b: Browser) => b.api('GET', '/api/v1/tenants/tok7/tokens').then((r) => (r.json().tokens as Array<{ name: string }>).map((x) => x.name).sort());
  assert.deepEqual(await seen(owner), ['member-ci', 'owner-ci']);
  assert.deepEqual(await seen(member), ['member-ci']);
  assert.equal((await member.api('DELETE', `/api/v1/tenants/tok7/tokens/${ownerTok.id}`)).statusCode, 404, "a member cannot revoke the owner's token");
  assert.equal((await forward('tok7', `Bearer ${ownerTok.token}`)).statusCode, 200);
  assert.equal((await owner.api('DELETE', `/api/v1/tenants/tok7/tokens/${memberTok.id}`)).statusCode, 204, "an owner revokes a member's token");
  assert.equal((await forward('tok7', `Bearer ${memberTok.token}`)).statusCode, 401);

  const { member: viewer } = await instanceWithMember('tok8', 'gu@example.com', 'viewer');
  const refused = await makeToken(viewer, 'tok8', { name: 'w', scope: 'write' });
  assert.equal(refused.statusCode, 403);
  assert.equal((await makeToken(viewer, 'tok8', { name: 'r', scope: 'read' })).statusCode, 201);
});

test('a role change takes effect on the next request, for sessions and tokens alike', async () => {
  const { member, userId } = await instanceWithMember('tok9', 'ho@example.com');
  const token = (await makeToken(member, 'tok9', { name: 'ci', scope: 'write' })).json().token as string;
  assert.equal((await forward('tok9', `Bearer ${token}`)).headers['x-berth-user-role'], 'member');
  const headers = { 'x-csrf-token': await owner.csrfToken() };
  const put = (b: Browser, role: string, id = userId) => b.request({ method: 'PUT', url: `/api/v1/tenants/tok9/members/${id}`, headers: b === owner ? headers : {}, payload: { role } });
  assert.equal((await put(owner, 'viewer')).statusCode, 200);
  assert.equal((await forward('tok9', `Bearer ${token}`)).headers['x-berth-user-role'], 'viewer');
  assert.equal((await put(owner, 'owner')).statusCode, 422, 'there is one owner');
  const ownerId = (await owner.api('GET', '/api/v1/me')).json().user.id as number;
  assert.equal((await put(owner, 'viewer', ownerId)).statusCode, 409, 'the owner stays owner');
  const memberCsrf = await member.csrfToken();
  const self = await member.request({ method: 'PUT', url: `/api/v1/tenants/tok9/members/${userId}`, headers: { 'x-csrf-token': memberCsrf }, payload: { role: 'member' } });
  assert.equal(self.statusCode, 403, 'only the owner changes roles');
});

test('tokens of earlier versions and malformed values get a 401 that says what to do', async () => {
  assert.equal((await owner.api('POST', '/api/v1/tenants', { slug: 'tok10' })).statusCode, 201);
  const old = await forward('tok10', `Bearer berth_${'a'.repeat(43)}`);
  assert.equal(old.statusCode, 401);
  assert.match(old.json().error.message, /earlier versions/);
  assert.match(old.json().error.message, /\/instances\/tok10/);
  for (const value of ['Bearer', 'Bearer ', `Bearer bth_${'a'.repeat(42)}`, `Bearer bth_${'a'.repeat(43)}`]) {
    assert.equal((await forward('tok10', value)).statusCode, 401, value);
  }
});

test('instance page: create shows the token once (201, no-store), revoke by form; a member sees only their own', async () => {
  const { member } = await instanceWithMember('tok11', 'ij@example.com');
  const page = await owner.request({ method: 'GET', url: '/instances/tok11' });
  const created = await owner.postForm('/instances/tok11/tokens', { name: '<b>nightly', scope: 'write', days: '30', _csrf: Browser.csrfFrom(page.body) });
  assert.equal(created.statusCode, 201);
  assert.equal(created.headers['cache-control'], 'no-store');
  assert.match(created.body, /data-testid="new-token">bth_/);
  assert.match(created.body, /&lt;b&gt;nightly/);
  assert.doesNotMatch(created.body, /<b>nightly/);
  const again = await owner.request({ method: 'GET', url: '/instances/tok11' });
  assert.doesNotMatch(again.body, /data-testid="new-token"/);
  assert.match(again.body, /&lt;b&gt;nightly/);
  const memberPage = await member.request({ method: 'GET', url: '/instances/tok11' });
  assert.doesNotMatch(memberPage.body, /nightly/, "a member does not see the owner's tokens");
  const id = t.db.prepare('SELECT id FROM api_tokens WHERE name = ?').pluck().get('<b>nightly') as number;
  const revoke = await owner.postForm(`/instances/tok11/tokens/${id}/revoke`, { _csrf: Browser.csrfFrom(again.body) });
  assert.equal(revoke.statusCode, 303);
  assert.equal(t.db.prepare('SELECT COUNT(*) FROM api_tokens WHERE id = ?').pluck().get(id), 0);
  const noCsrf = await owner.postForm('/instances/tok11/tokens', { name: 'x', scope: 'read', days: '1' });
  assert.equal(noCsrf.statusCode, 403);
});
