// The rollout and admin HTTP surface through inject(), on a real SQLite file: who may call it,
// validation, the unsafe switch, the event log, cancel, the admin page. No Docker here: the
// runner is not started, so rollouts stay pending.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, startTestApp, type TestApp } from '../http/test-app.js';
import { writeOperatorToken } from '../../../src/rollout/operator-token.js';
import { setAdmin } from '../../../src/auth/users.js';

let t: TestApp;
let admin: Browser;
let member: Browser;
let token: string;

before(async () => {
  t = await startTestApp({ BERTH_ROLLOUT_PARALLEL: '3' });
  admin = new Browser(t);
  member = new Browser(t);
  await admin.signUpWithForm('admin@example.com');
  await member.signUpWithForm('member@example.com');
  setAdmin(t.db, 'admin@example.com', true, 'test', Date.now());
  for (const slug of ['alpha', 'bravo']) assert.equal((await admin.api('POST', '/api/v1/tenants', { slug })).statusCode, 201);
  token = writeOperatorToken(t.config.stateDir);
});
after(() => t.close());

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

test('only admins and the operator token may use the rollout API', async () => {
  const anon = new Browser(t);
  assert.equal((await anon.request({ method: 'GET', url: '/api/v1/rollouts' })).statusCode, 401);
  assert.equal((await member.request({ method: 'GET', url: '/api/v1/rollouts' })).statusCode, 403);
  assert.equal((await admin.request({ method: 'GET', url: '/api/v1/rollouts' })).statusCode, 200);
  assert.equal((await anon.request({ method: 'GET', url: '/api/v1/rollouts', headers: bearer(token) })).statusCode, 200);
  const wrong = await anon.request({ method: 'GET', url: '/api/v1/admin/tenants', headers: bearer('x'.repeat(43)) });
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.json().error.code, 'UNAUTHENTICATED');
});

test('a session must send the CSRF header to start a rollout; the bearer token needs none', async () => {
  const noCsrf = await admin.request({ method: 'POST', url: '/api/v1/rollouts', payload: { image: 'berth/tenant:v2' } });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal(noCsrf.json().error.code, 'CSRF_FAILED');
});

test('unsafe modes are refused with 422 unless BERTH_ALLOW_UNSAFE_ROLLOUTS is set', async () => {
  const res = await admin.request({ method: 'POST', url: '/api/v1/rollouts', headers: bearer(token), payload: { image: 'berth/tenant:v2', unsafe: 'no-drain' } });
  assert.equal(res.statusCode, 422);
  assert.equal(res.json().error.code, 'UNSAFE_ROLLOUT_REFUSED');
});

test('validation: unknown tenants and malformed images are named', async () => {
  const unknown = await admin.request({ method: 'POST', url: '/api/v1/rollouts', headers: bearer(token), payload: { image: 'berth/tenant:v2', tenants: ['nope'] } });
  assert.equal(unknown.statusCode, 422);
  assert.equal(unknown.json().error.details.field, 'tenants');
  const bad = await admin.request({ method: 'POST', url: '/api/v1/rollouts', headers: bearer(token), payload: { image: 'no spaces please' } });
  assert.equal(bad.statusCode, 400);
});

test('create, list, detail, events, one at a time, cancel', async () => {
  const res = await admin.api('POST', '/api/v1/rollouts', { image: 'berth/tenant:v2', canary: 1 });
  assert.equal(res.statusCode, 201, res.body);
  const r = res.json();
  assert.deepEqual([r.state, r.parallel, r.canary, r.createdBy, r.counts.total, r.counts.pending], ['pending', 3, 1, 'admin@example.com', 2, 2]);

  const second = await admin.request({ method: 'POST', url: '/api/v1/rollouts', headers: bearer(token), payload: { image: 'berth/tenant:v3' } });
  assert.equal(second.statusCode, 409);
  assert.equal(second.json().error.code, 'ROLLOUT_IN_PROGRESS');

  const list = (await admin.request({ method: 'GET', url: '/api/v1/rollouts', headers: bearer(token) })).json();
  assert.equal(list.rollouts[0].id, r.id);
  const detail = (await admin.request({ method: 'GET', url: `/api/v1/rollouts/${r.id}`, headers: bearer(token) })).json();
  assert.deepEqual(detail.tenants.map((x: { slug: string; canary: boolean }) => [x.slug, x.canary]), [['alpha', true], ['bravo', false]]);

  const events = (await admin.request({ method: 'GET', url: `/api/v1/rollouts/${r.id}/events`, headers: bearer(token) })).json();
  assert.equal(events.state, 'pending');
  assert.match(events.events[0].detail, /berth\/tenant:v2 to 2 tenant/);

  const cancel = await admin.request({ method: 'POST', url: `/api/v1/rollouts/${r.id}/cancel`, headers: bearer(token) });
  assert.equal(cancel.json().cancelRequested, true);
  assert.equal((await admin.request({ method: 'GET', url: '/api/v1/rollouts/999', headers: bearer(token) })).statusCode, 404);
  // Finish it the way the runner would, so later tests can start another.
  t.db.prepare("UPDATE rollouts SET state = 'cancelled' WHERE id = ?").run(r.id);
});

test('admin tenant list: every tenant with image version, state, health, memory', async () => {
  const res = await admin.request({ method: 'GET', url: '/api/v1/admin/tenants', headers: bearer(token) });
  const tenants = res.json().tenants;
  assert.deepEqual(tenants.map((x: { slug: string }) => x.slug), ['alpha', 'bravo']);
  assert.deepEqual(Object.keys(tenants[0]).sort(), [
    'desiredState', 'detail', 'generation', 'health', 'image', 'imageVersion', 'memoryBytes', 'owner', 'pinnedAwake', 'readyAt', 'rollout', 'runningImage', 'slug', 'state',
  ]);
  assert.equal(tenants[0].health, 'unknown');
});

test('admin page: admins only, escapes, its own CSP hashes, the start form works', async () => {
  assert.equal((await member.request({ method: 'GET', url: '/admin' })).statusCode, 403);
  const page = await admin.request({ method: 'GET', url: '/admin' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-security-policy'] as string, /script-src 'sha256-[^']+' 'sha256-[^']+'/);
  assert.match(page.body, /Start a rollout/);
  assert.match(page.body, /alpha/);

  const bad = await admin.postForm('/admin/rollouts', { image: '<script>x</script>', canary: '1', parallel: '2', _csrf: Browser.csrfFrom(page.body) });
  assert.equal(bad.statusCode, 422);
  assert.ok(!bad.body.includes('<script>x</script>'), 'user input is escaped');
  const forged = await admin.postForm('/admin/rollouts', { image: 'berth/tenant:v2', _csrf: 'nope' });
  assert.equal(forged.statusCode, 403);
  const ok = await admin.postForm('/admin/rollouts', { image: 'berth/tenant:v9', canary: '0', parallel: '2', tenants: 'bravo', _csrf: Browser.csrfFrom(page.body) });
  assert.equal(ok.statusCode, 303);
  const after = await admin.request({ method: 'GET', url: '/admin' });
  assert.match(after.body, /berth\/tenant:v9/);
  assert.match(after.body, /data-events-url="\/api\/v1\/rollouts\/\d+\/events"/);
});
