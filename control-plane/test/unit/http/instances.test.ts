import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let owner: Browser;
before(async () => {
  t = await startTestApp({ BERTH_VOLUME_RETENTION_HOURS: '48', BERTH_TENANT_IMAGE: 'berth/tenant:9.9.9' });
  owner = new Browser(t);
  await owner.signUpWithForm('owner@example.com');
});
after(() => t.close());

test('creating an instance from the dashboard writes desired state, makes the owner a member, logs and nudges once', async () => {
  const before = t.nudges();
  const res = await owner.postForm('/instances', { slug: 'acme', _csrf: await owner.csrfToken() });
  assert.equal(res.statusCode, 303);
  assert.equal(t.nudges(), before + 1);
  const row = t.db.prepare("SELECT * FROM tenants WHERE slug = 'acme'").get() as Record<string, unknown>;
  assert.equal(row.desired_state, 'running');
  assert.equal(row.image, 'berth/tenant:9.9.9');
  assert.equal(row.generation, 1);
  assert.equal(t.db.prepare('SELECT role FROM memberships WHERE tenant_id = ?').pluck().get(row.id), 'owner');
  assert.equal(t.db.prepare("SELECT action FROM audit_log WHERE subject = 'acme'").pluck().get(), 'tenant.create');

  const dash = await owner.request({ method: 'GET', url: '/' });
  assert.match(dash.body, /data-testid="state-acme"[^>]*>creating</);
  assert.match(dash.body, /<a href="https:\/\/acme\.berth\.localhost:8443" data-testid="open-acme">/);
  assert.match(dash.body, /<label for="slug">/);
  assert.match(dash.body, />Create instance</);
  assert.match(dash.body, />Log out</);
});

test('the state shown comes from tenant_status as the reconciler writes it', async () => {
  const id = t.db.prepare("SELECT id FROM tenants WHERE slug = 'acme'").pluck().get();
  t.db.prepare("INSERT INTO tenant_status (tenant_id, state, detail, ready_at, updated_at) VALUES (?, 'running', NULL, ?, ?)").run(id, Date.now(), Date.now());
  const list = (await owner.api('GET', '/api/v1/tenants')).json();
  assert.equal(list.tenants[0].state, 'running');
  assert.ok(list.tenants[0].readyAt);
  t.db.prepare("UPDATE tenant_status SET state = 'unhealthy', detail = 'probe failed' WHERE tenant_id = ?").run(id);
  const one = (await owner.api('GET', '/api/v1/tenants/acme')).json();
  assert.deepEqual([one.state, one.detail], ['unhealthy', 'probe failed']);
  const page = await owner.request({ method: 'GET', url: '/instances/acme' });
  assert.match(page.body, /data-testid="state-acme"[^>]*>unhealthy</);
});

test('invalid or taken subdomains are refused with the reason and nothing is written', async () => {
  const before = t.nudges();
  const csrf = await owner.csrfToken();
  for (const [slug, status, message] of [['www', 422, /reserved/], ['Bad_Name', 422, /lowercase/], ['acme', 409, /already taken/]] as const) {
    const res = await owner.postForm('/instances', { slug, _csrf: csrf });
    assert.equal(res.statusCode, status, slug);
    assert.match(res.body, message);
    const api = await owner.api('POST', '/api/v1/tenants', { slug });
    assert.equal(api.statusCode, status);
    assert.equal(api.json().error.code, status === 409 ? 'SLUG_TAKEN' : 'VALIDATION_FAILED');
  }
  assert.equal(t.nudges(), before);
});

test('inviting and removing members from the instance page', async () => {
  const friend = new Browser(t);
  await friend.signUpWithForm('friend@example.com');
  const csrf = await owner.csrfToken();
  const page = await owner.request({ method: 'GET', url: '/instances/acme' });
  assert.match(page.body, /<label for="invite-email">/);
  // Inviting is by address (invitations.test.ts); the friend joins at their next dashboard visit.
  assert.equal((await owner.postForm('/instances/acme/invitations', { email: 'Friend@Example.com', _csrf: csrf })).statusCode, 303);
  assert.equal((await friend.request({ method: 'GET', url: '/' })).statusCode, 200);
  const dup = await owner.postForm('/instances/acme/invitations', { email: 'friend@example.com', _csrf: csrf });
  assert.equal(dup.statusCode, 409);
  const members = (await owner.api('GET', '/api/v1/tenants/acme/members')).json().members as { userId: number; email: string; role: string }[];
  assert.deepEqual(members.map((m) => [m.email, m.role]), [['owner@example.com', 'owner'], ['friend@example.com', 'member']]);

  // The member sees the instance but cannot invite, remove others or delete it.
  assert.equal((await friend.api('GET', '/api/v1/tenants/acme')).json().role, 'member');
  assert.equal((await friend.api('POST', '/api/v1/tenants/acme/invitations', { email: 'owner@example.com' })).statusCode, 403);
  assert.equal((await friend.api('DELETE', '/api/v1/tenants/acme')).statusCode, 403);
  assert.equal((await friend.api('DELETE', `/api/v1/tenants/acme/members/${members[0]!.userId}`)).statusCode, 403);
  assert.equal((await owner.api('DELETE', `/api/v1/tenants/acme/members/${members[0]!.userId}`)).statusCode, 409, 'the owner stays');

  const friendId = members[1]!.userId;
  const removed = await owner.postForm(`/instances/acme/members/${friendId}/remove`, { _csrf: csrf });
  assert.equal(removed.statusCode, 303);
  assert.equal((await friend.api('GET', '/api/v1/tenants/acme')).statusCode, 404);
  const actions = t.db.prepare("SELECT action FROM audit_log WHERE subject = 'acme' ORDER BY id").pluck().all();
  assert.deepEqual(actions, ['tenant.create', 'member.invite', 'member.add', 'member.remove']);
});

test('a non-member cannot see or touch an instance (404, existence not revealed)', async () => {
  const other = new Browser(t);
  await other.signUpWithForm('other@example.com');
  assert.equal((await other.api('GET', '/api/v1/tenants/acme')).statusCode, 404);
  assert.equal((await other.api('DELETE', '/api/v1/tenants/acme')).statusCode, 404);
  assert.equal((await other.request({ method: 'GET', url: '/instances/acme' })).statusCode, 404);
  assert.deepEqual((await other.api('GET', '/api/v1/tenants')).json().tenants, []);
});

test('deleting needs the typed confirmation, then sets desired_state, deleted_at and the retention window, and nudges', async () => {
  const csrf = await owner.csrfToken();
  const page = await owner.request({ method: 'GET', url: '/instances/acme' });
  assert.match(page.body, /<label for="confirm-slug">/);
  assert.match(page.body, />Delete instance</);
  const unconfirmed = await owner.postForm('/instances/acme/delete', { confirm: 'acm', _csrf: csrf });
  assert.equal(unconfirmed.statusCode, 422);
  assert.equal(t.db.prepare("SELECT desired_state FROM tenants WHERE slug = 'acme'").pluck().get(), 'running');

  const before = t.nudges();
  const started = Date.now();
  const res = await owner.postForm('/instances/acme/delete', { confirm: 'acme', _csrf: csrf });
  assert.equal(res.statusCode, 303);
  assert.equal(t.nudges(), before + 1);
  const row = t.db.prepare("SELECT desired_state, deleted_at, purge_volume_after, volume_purged_at FROM tenants WHERE slug = 'acme'").get() as Record<string, number | string | null>;
  assert.equal(row.desired_state, 'deleted');
  assert.ok((row.deleted_at as number) >= started);
  assert.equal(row.purge_volume_after, (row.deleted_at as number) + 48 * 3600_000);
  assert.equal(row.volume_purged_at, null);
  assert.equal(t.db.prepare("SELECT action FROM audit_log WHERE subject = 'acme' ORDER BY id DESC").pluck().get(), 'tenant.delete');

  // Shown as deleting until the reconciler reports it gone, then hidden.
  assert.equal((await owner.api('GET', '/api/v1/tenants')).json().tenants[0].state, 'deleting');
  t.db.prepare("UPDATE tenant_status SET state = 'deleted' WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'acme')").run();
  assert.deepEqual((await owner.api('GET', '/api/v1/tenants')).json().tenants, []);
  assert.equal((await owner.api('GET', '/api/v1/tenants/acme')).statusCode, 404);
  // The slug stays taken while the volume is retained.
  assert.equal((await owner.api('POST', '/api/v1/tenants', { slug: 'acme' })).json().error.code, 'SLUG_TAKEN');
});

test('API delete of a tenant: 204, retention set', async () => {
  assert.equal((await owner.api('POST', '/api/v1/tenants', { slug: 'gone-soon' })).statusCode, 201);
  assert.equal((await owner.api('DELETE', '/api/v1/tenants/gone-soon')).statusCode, 204);
  const after = t.db.prepare("SELECT purge_volume_after - deleted_at FROM tenants WHERE slug = 'gone-soon'").pluck().get();
  assert.equal(after, 48 * 3600_000);
});

test('signed-out visitors are sent to log in from instance pages', async () => {
  const res = await new Browser(t).request({ method: 'GET', url: '/instances/acme' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/login?next=%2Finstances%2Facme');
  const landing = await new Browser(t).request({ method: 'GET', url: '/' });
  assert.match(landing.body, />Sign up</);
  assert.match(landing.body, />Log in</);
});
