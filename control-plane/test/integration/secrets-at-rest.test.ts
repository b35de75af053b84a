// What the host keeps and logs, on a real stack (Traefik, control plane, one tenant): after a
// sign-up, a log-in and a single-sign-on hop through Traefik, the access log has no SSO code,
// no cookie and no credential; the public heartbeat says only ok or failing while the loopback
// one has the details; state files are 0600 in 0700 directories.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from '../../../e2e/src/https-client.js';
import { createTenant, logIn, openTenant, signUp, waitUntilServing } from '../../../e2e/src/session.js';
import { startStack, TLS_DIR, type Stack } from '../../../e2e/src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { assertImageExists, TENANT_IMAGE } from './harness.js';

let stack: Stack;
before(async () => {
  assertImageExists();
  stack = await startStack({ env: { BERTH_TENANT_IMAGE: TENANT_IMAGE, BERTH_PROBE_INTERVAL_MS: '500', BERTH_READY_TIMEOUT_MS: '90000' } });
});
after(() => stack?.stop());

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('the access log records the tenant traffic but no SSO code, cookie or password', { timeout: 180_000 }, async () => {
  const password = 'a long enough password';
  const owner = await signUp(stack, 'logs@example.com', password);
  await createTenant(stack, owner, 'logs');
  await waitUntilServing(stack, owner, 'logs', 120_000);
  const again = await logIn(stack, 'logs@example.com', password);
  const tenantCookie = await openTenant(stack, again, 'logs');
  const pageHit = await request(`${stack.tenantUrl('logs')}/`, { agent: stack.agent, headers: { cookie: tenantCookie } });
  assert.equal(pageHit.status, 200);

  // Traefik writes each line when the request ends; wait for the tenant page's line.
  const log = await waitFor(() => {
    try {
      const text = readFileSync(stack.accessLog, 'utf8');
      return text.split('\n').some((l) => l.includes('"RouterName":"t-logs@file"')) ? text : undefined;
    } catch {
      return undefined;
    }
  }, { timeoutMs: 10_000, what: 'the tenant request in the access log' });
  assert.doesNotMatch(log, /__berth\/sso/, 'the hand-off router logs nothing');
  assert.doesNotMatch(log, /code=/);
  const secrets = [tenantCookie.split('=')[1]!, ...[owner, again].flatMap((s) => [s.csrfToken, s.jar.get(new URL(stack.publicUrl).hostname, '__Host-berth_session') ?? 'none'])];
  for (const secret of secrets) assert.ok(!log.includes(secret), 'a cookie or CSRF value reached the access log');
  assert.ok(!log.includes(password));
  assert.doesNotMatch(log, /"request_(Cookie|Authorization)"/);
});

test('the heartbeat through Traefik says only ok or failing; on loopback it has the details', async () => {
  const pub = await request(`${stack.publicUrl}/__heartbeat__`, { agent: stack.agent });
  assert.deepEqual(Object.keys(JSON.parse(pub.body)), ['ok']);
  const local = await fetch(`${stack.cpUrl}/__heartbeat__`);
  assert.deepEqual(Object.keys(((await local.json()) as { checks: object }).checks).sort(), ['backup', 'database', 'disk', 'docker', 'lease', 'reconciler', 'traefik']);
});

test('state files are 0600 in 0700 directories', () => {
  const state = join(stack.dir, 'state');
  assert.equal(mode(state), '700');
  for (const f of ['berth.db', 'berth.db-wal', 'berth.db-shm', 'operator.token']) assert.equal(mode(join(state, f)), '600', f);
  assert.equal(mode(stack.routesDir), '700');
  assert.equal(mode(stack.logDir), '700');
  assert.equal(mode(TLS_DIR), '700');
  for (const f of ['ca-key.pem', 'berth.localhost-key.pem']) assert.equal(mode(join(TLS_DIR, f)), '600', f);
});
