// No implicit admin: signing up (first or not) grants nothing, BERTH_ADMIN_EMAILS is refused,
// and only the operator token — what `./berth admin` sends — grants or revokes admin. The CLI
// command runs against the real app listening on loopback with a real SQLite file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { runAdminCommand } from '../../../src/cli/admin-command.js';
import { CliError, connect } from '../../../src/cli/api-client.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { writeOperatorToken } from '../../../src/rollout/operator-token.js';
import { Browser, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let port: number;
before(async () => {
  t = await startTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
  writeOperatorToken(t.config.stateDir);
});
after(() => t.close());

async function cli(...argv: string[]): Promise<string> {
  let text = '';
  const out = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  const code = await runAdminCommand(connect({ httpPort: port, stateDir: t.config.stateDir }), argv, out);
  assert.equal(code, 0);
  return text;
}

const adminApi = (b: Browser) => b.request({ method: 'GET', url: '/api/v1/admin/tenants' });

test('the first account and every later one sign up without admin', async () => {
  const first = new Browser(t);
  await first.signUpWithForm('first@example.com');
  assert.equal((await first.request({ method: 'GET', url: '/api/v1/me' })).json().user.isAdmin, false);
  assert.equal((await adminApi(first)).statusCode, 403);
  assert.deepEqual(t.db.prepare('SELECT count(*) FROM users WHERE is_admin = 1').pluck().get(), 0);
});

test('BERTH_ADMIN_EMAILS is refused at start, naming the command that replaced it', () => {
  assert.throws(() => loadConfig({ BERTH_ADMIN_EMAILS: 'boss@example.com' }), (err: unknown) => err instanceof ConfigError && /BERTH_ADMIN_EMAILS.*\.\/berth admin add/.test(err.message));
});

test('./berth admin add, list and remove change who is an admin, and are audited', async () => {
  const boss = new Browser(t);
  await boss.signUpWithForm('boss@example.com');
  assert.equal((await adminApi(boss)).statusCode, 403);

  assert.equal(await cli('add', 'Boss@Example.com'), 'boss@example.com is now an admin\n');
  assert.equal(await cli('add', 'boss@example.com'), 'boss@example.com was already an admin\n');
  assert.equal((await adminApi(boss)).statusCode, 200, 'takes effect on the next request');
  assert.equal(await cli('list'), 'boss@example.com\n');

  assert.equal(await cli('remove', 'boss@example.com'), 'boss@example.com is now not an admin\n');
  assert.equal((await adminApi(boss)).statusCode, 403);
  assert.equal(await cli('list'), 'no admins (grant one with ./berth admin add EMAIL)\n');
  const audit = t.db.prepare("SELECT action || ' ' || subject FROM audit_log WHERE action LIKE 'admin.%' ORDER BY id").pluck().all();
  assert.deepEqual(audit, ['admin.grant boss@example.com', 'admin.revoke boss@example.com']);
});

test('granting an email nobody signed up with fails and reserves nothing', async () => {
  await assert.rejects(cli('add', 'later@example.com'), (err: unknown) => err instanceof CliError && /No account uses later@example\.com.*NOT_FOUND/.test(err.message));
  const later = new Browser(t);
  await later.signUpWithForm('later@example.com');
  assert.equal((await adminApi(later)).statusCode, 403);
  await assert.rejects(cli('promote', 'x@example.com'), /usage: \.\/berth admin/);
});

test('no session can grant admin, not even an admin\'s; a wrong bearer token is refused', async () => {
  const admin = new Browser(t);
  await admin.signUpWithForm('chief@example.com');
  await cli('add', 'chief@example.com');
  const self = await admin.api('POST', '/api/v1/admins/x', {});
  assert.equal(self.statusCode, 404, 'no POST route');
  for (const method of ['GET', 'PUT', 'DELETE'] as const) {
    const url = method === 'GET' ? '/api/v1/admins' : '/api/v1/admins/first%40example.com';
    const res = await admin.request({ method, url, headers: { 'x-csrf-token': await admin.csrfToken() } });
    assert.equal(res.statusCode, 401, `${method} with an admin session`);
    const forged = await t.app.inject({ method, url, headers: { authorization: `Bearer ${'x'.repeat(43)}` } });
    assert.equal(forged.statusCode, 401, `${method} with a wrong token`);
  }
  assert.equal((await adminApi(new Browser(t))).statusCode, 401);
  assert.deepEqual(t.db.prepare('SELECT email FROM users WHERE is_admin = 1').pluck().all(), ['chief@example.com']);
});
