// Invitations by email (issue 10, point 8): inviting answers the same whether or not an account
// uses the address, the invitee joins with the chosen role when they sign up or log in, and
// invitations lapse, are revocable by owners only and are budgeted per inviter and per
// instance. The real app on a real SQLite file, driven by inject().
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { inviteByEmail } from '../../../src/auth/invitations.js';
import { sweepExpired } from '../../../src/auth/expiry-sweep.js';
import { Browser, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let owner: Browser;

before(async () => {
  // Budgets small enough to reach: 6 per inviter, 5 per instance, in an hour.
  t = await startTestApp({ BERTH_INVITE_LIMIT_PER_INVITER: '6', BERTH_INVITE_LIMIT_PER_INSTANCE: '5', BERTH_SIGNUP_LIMIT_PER_ADDRESS: '100' });
  owner = new Browser(t);
  await owner.signUpWithForm('owner@example.com');
});
after(() => t.close());

/** Each test has its own inviter, so the per-inviter budget of one test never spills into another. */
async function ownerWithInstance(email: string, slug: string): Promise<Browser> {
  const b = new Browser(t);
  assert.equal((await b.signUpWithForm(email)).statusCode, 303);
  assert.equal((await b.api('POST', '/api/v1/tenants', { slug })).statusCode, 201);
  return b;
}

const roleOf = (slug: string, email: string) =>
  t.db.prepare('SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = ? AND u.email = ?').pluck().get(slug, email);

/** The answer without what differs by design (the address, the row id, the times). */
function shape(res: LightMyRequestResponse): unknown {
  const body = res.json() as Record<string, unknown>;
  const { id, email, invitedAt, expiresAt, ...rest } = body;
  assert.equal(typeof id, 'number');
  assert.equal(typeof email, 'string');
  assert.equal(Date.parse(expiresAt as string) - Date.parse(invitedAt as string), 14 * 86_400_000);
  return { status: res.statusCode, keys: Object.keys(body).sort(), contentType: res.headers['content-type'], ...rest };
}

test('inviting answers the same whether or not an account uses the address', async () => {
  const o = await ownerWithInstance('o1@example.com', 'inv1');
  const existing = new Browser(t);
  await existing.signUpWithForm('has-account@example.com');

  const a = await o.api('POST', '/api/v1/tenants/inv1/invitations', { email: 'has-account@example.com' });
  const b = await o.api('POST', '/api/v1/tenants/inv1/invitations', { email: 'no-account@example.com' });
  assert.equal(a.statusCode, 201);
  assert.deepEqual(shape(a), shape(b));
  assert.deepEqual(shape(a), { status: 201, keys: ['email', 'expiresAt', 'id', 'invitedAt', 'invitedBy', 'role', 'status'], contentType: 'application/json; charset=utf-8', role: 'member', status: 'invited', invitedBy: 'o1@example.com' });

  // Neither joins at the invite: the member list does not tell them apart either.
  const members = (await o.api('GET', '/api/v1/tenants/inv1/members')).json().members as { email: string }[];
  assert.deepEqual(members.map((m) => m.email), ['o1@example.com']);
  const listed = (await o.api('GET', '/api/v1/tenants/inv1/invitations')).json().invitations as { email: string; status: string }[];
  assert.deepEqual(listed.map((i) => [i.email, i.status]), [['has-account@example.com', 'invited'], ['no-account@example.com', 'invited']]);

  // The page form: the same redirect for both, and the page lists both as invited.
  const csrf = await o.csrfToken();
  const pa = await o.postForm('/instances/inv1/invitations', { email: 'has-account@example.com', role: 'viewer', _csrf: csrf });
  const pb = await o.postForm('/instances/inv1/invitations', { email: 'no-account@example.com', role: 'viewer', _csrf: csrf });
  assert.deepEqual([pa.statusCode, pa.headers.location], [303, '/instances/inv1#members']);
  assert.deepEqual([pb.statusCode, pb.headers.location], [pa.statusCode, pa.headers.location]);
  const page = (await o.request({ method: 'GET', url: '/instances/inv1' })).body;
  for (const email of ['has-account@example.com', 'no-account@example.com']) {
    assert.match(page, new RegExp(`data-testid="invitation-${email}"><td>${email}</td>\\s*<td class="muted">viewer, invited until`));
  }
  // Bad input is named; nothing is stored.
  const bad = await o.api('POST', '/api/v1/tenants/inv1/invitations', { email: 'not an address' });
  assert.deepEqual([bad.statusCode, bad.json().error.code], [422, 'VALIDATION_FAILED']);
  const badRole = await o.api('POST', '/api/v1/tenants/inv1/invitations', { email: 'x@example.com', role: 'owner' });
  assert.deepEqual([badRole.statusCode, badRole.json().error.details.fields.role], [422, 'member or viewer']);
});

test('the invitee joins with the chosen role: at sign-up, at log-in, or at once when already signed in', async () => {
  const o = await ownerWithInstance('o2@example.com', 'inv2');
  const already = new Browser(t);
  await already.signUpWithForm('signed-in@example.com');
  const later = new Browser(t);
  await later.signUpWithForm('logs-in-later@example.com');
  for (const [email, role] of [['new-person@example.com', 'viewer'], ['Logs-In-Later@Example.com', 'member'], ['signed-in@example.com', 'viewer']]) {
    assert.equal((await o.api('POST', '/api/v1/tenants/inv2/invitations', { email, role })).statusCode, 201);
  }
  assert.equal(roleOf('inv2', 'logs-in-later@example.com'), undefined);

  const newcomer = new Browser(t);
  assert.equal((await newcomer.signUpWithForm('new-person@example.com')).statusCode, 303);
  assert.equal(roleOf('inv2', 'new-person@example.com'), 'viewer');
  assert.equal((await newcomer.api('GET', '/api/v1/tenants/inv2')).json().role, 'viewer');

  // Logging in (from another browser: this one is signed in and has not read the list since).
  assert.equal((await new Browser(t).logInWithForm('logs-in-later@example.com')).statusCode, 303);
  assert.equal(roleOf('inv2', 'logs-in-later@example.com'), 'member');

  // A session made before the invitation: the instance list (or dashboard) joins it.
  const list = (await already.api('GET', '/api/v1/tenants')).json().tenants as { slug: string; role: string }[];
  assert.deepEqual(list.map((x) => [x.slug, x.role]), [['inv2', 'viewer']]);

  assert.deepEqual((await o.api('GET', '/api/v1/tenants/inv2/invitations')).json().invitations, []);
  const audit = t.db.prepare("SELECT action, actor FROM audit_log WHERE subject = 'inv2' AND action = 'member.add' ORDER BY id").all();
  assert.deepEqual(audit.map((r) => Object.values(r as object)), [
    ['member.add', 'new-person@example.com'], ['member.add', 'logs-in-later@example.com'], ['member.add', 'signed-in@example.com'],
  ]);
  // Inviting a member again is a conflict (the owner sees the member list anyway).
  const again = await o.api('POST', '/api/v1/tenants/inv2/invitations', { email: 'new-person@example.com' });
  assert.deepEqual([again.statusCode, again.json().error.code], [409, 'CONFLICT']);
});

test('only the owner invites, lists and revokes; a revoked invitation joins nobody', async () => {
  const o = await ownerWithInstance('o3@example.com', 'inv3');
  const res = await o.api('POST', '/api/v1/tenants/inv3/invitations', { email: 'mem3@example.com' });
  const member = new Browser(t);
  await member.signUpWithForm('mem3@example.com');
  assert.equal(roleOf('inv3', 'mem3@example.com'), 'member');

  for (const r of [
    await member.api('POST', '/api/v1/tenants/inv3/invitations', { email: 'friend@example.com' }),
    await member.api('GET', '/api/v1/tenants/inv3/invitations'),
    await member.postForm('/instances/inv3/invitations', { email: 'friend@example.com', _csrf: await member.csrfToken() }),
  ]) assert.equal(r.statusCode, 403);

  const second = (await o.api('POST', '/api/v1/tenants/inv3/invitations', { email: 'revoked@example.com' })).json().id as number;
  assert.equal((await member.api('DELETE', `/api/v1/tenants/inv3/invitations/${second}`)).statusCode, 403);
  assert.equal((await o.api('DELETE', `/api/v1/tenants/inv3/invitations/${second}`)).statusCode, 204);
  assert.equal((await o.api('DELETE', `/api/v1/tenants/inv3/invitations/${second}`)).statusCode, 404);
  // An accepted invitation is gone.
  assert.equal((await o.api('DELETE', `/api/v1/tenants/inv3/invitations/${res.json().id as number}`)).statusCode, 404);

  // The page's revoke button.
  const third = (await o.api('POST', '/api/v1/tenants/inv3/invitations', { email: 'revoked-too@example.com' })).json().id as number;
  const revoked = await o.postForm(`/instances/inv3/invitations/${third}/revoke`, { _csrf: await o.csrfToken() });
  assert.deepEqual([revoked.statusCode, revoked.headers.location], [303, '/instances/inv3#members']);

  for (const email of ['revoked@example.com', 'revoked-too@example.com']) {
    await new Browser(t).signUpWithForm(email);
    assert.equal(roleOf('inv3', email), undefined, email);
  }
  const actions = t.db.prepare("SELECT action FROM audit_log WHERE subject = 'inv3' AND action LIKE 'member.%' ORDER BY id").pluck().all();
  assert.deepEqual(actions, ['member.invite', 'member.add', 'member.invite', 'member.uninvite', 'member.invite', 'member.uninvite']);
});

test('an invitation lapses after BERTH_INVITE_TTL_DAYS: not listed, joins nobody, swept', async () => {
  const o = await ownerWithInstance('o4@example.com', 'inv4');
  const tenant = t.db.prepare("SELECT id, slug FROM tenants WHERE slug = 'inv4'").get() as { id: number; slug: string };
  const inviter = t.db.prepare("SELECT id, email FROM users WHERE email = 'o4@example.com'").get() as { id: number; email: string };
  const fifteenDaysAgo = Date.now() - 15 * 86_400_000;
  inviteByEmail(t.db, t.config, tenant, inviter, 'lapsed@example.com', 'member', fifteenDaysAgo);
  assert.deepEqual((await o.api('GET', '/api/v1/tenants/inv4/invitations')).json().invitations, []);
  assert.doesNotMatch((await o.request({ method: 'GET', url: '/instances/inv4' })).body, /lapsed@example\.com/);

  await new Browser(t).signUpWithForm('lapsed@example.com');
  assert.equal(roleOf('inv4', 'lapsed@example.com'), undefined);

  inviteByEmail(t.db, t.config, tenant, inviter, 'lapsed-later@example.com', 'member', fifteenDaysAgo);
  assert.equal(sweepExpired(t.db, t.config, Date.now()).invitations, 1);
  assert.equal(t.db.prepare("SELECT COUNT(*) FROM invitations WHERE tenant_id = ?").pluck().get(tenant.id), 0);
});

test('invitations are budgeted per instance and per inviter: 429 INVITE_LIMIT with Retry-After', async () => {
  const o = await ownerWithInstance('o5@example.com', 'inv5');
  assert.equal((await o.api('POST', '/api/v1/tenants', { slug: 'inv5b' })).statusCode, 201);
  // Per instance (5): existing and unknown addresses count alike.
  for (const email of ['a@example.com', 'o1@example.com', 'c@example.com', 'has-account@example.com', 'g@example.com']) {
    assert.equal((await o.api('POST', '/api/v1/tenants/inv5/invitations', { email })).statusCode, 201, email);
  }
  const over = await o.api('POST', '/api/v1/tenants/inv5/invitations', { email: 'd@example.com' });
  assert.equal(over.statusCode, 429);
  assert.equal(over.json().error.code, 'INVITE_LIMIT');
  const retryAfter = Number(over.headers['retry-after']);
  assert.ok(retryAfter > 3000 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
  assert.equal(over.json().error.details.perInstance, 5);
  const overPage = await o.postForm('/instances/inv5/invitations', { email: 'd@example.com', _csrf: await o.csrfToken() });
  assert.equal(overPage.statusCode, 429);
  assert.ok(Number(overPage.headers['retry-after']) > 0);
  assert.match(overPage.body, /Too many invitations/);

  // Per inviter (6): one more on another instance, then that instance refuses too.
  assert.equal((await o.api('POST', '/api/v1/tenants/inv5b/invitations', { email: 'e@example.com' })).statusCode, 201);
  const overInviter = await o.api('POST', '/api/v1/tenants/inv5b/invitations', { email: 'f@example.com' });
  assert.deepEqual([overInviter.statusCode, overInviter.json().error.code], [429, 'INVITE_LIMIT']);
  // Refused invitations stored nothing.
  assert.equal(t.db.prepare("SELECT COUNT(*) FROM invitations WHERE email IN ('d@example.com', 'f@example.com')").pluck().get(), 0);

  // Concurrent invites cannot outrun the budget: it is checked and counted in one transaction.
  const o6 = await ownerWithInstance('o6@example.com', 'inv6');
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => o6.api('POST', '/api/v1/tenants/inv6/invitations', { email: `n${i}@example.com` })));
  assert.equal(answers.filter((r) => r.statusCode === 201).length, 5);
  assert.equal(answers.filter((r) => r.statusCode === 429).length, 5);
});
