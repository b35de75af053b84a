import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LOGIN_LIMITS } from '../../../src/auth/login-throttle.js';
import { Browser, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await new Browser(t).signUpWithForm('victim@example.com');
});
after(() => t.close());

// Requests reach the control plane from Traefik on 127.0.0.1 with the client in X-Forwarded-For.
const from = (address: string) => ({ 'x-forwarded-for': address });

test(`per account: after ${LOGIN_LIMITS.perAccount} failures the account answers 429 with Retry-After, even with the right password`, async () => {
  const b = new Browser(t);
  for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
    const res = await b.logInWithForm('victim@example.com', 'wrong password', from(`198.51.100.${i + 1}`));
    assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
  }
  const blocked = await b.logInWithForm('victim@example.com', 'correct horse battery', from('198.51.100.99'));
  assert.equal(blocked.statusCode, 429);
  const retryAfter = Number(blocked.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= LOGIN_LIMITS.windowMs / 1000, `retry-after ${retryAfter}`);
  assert.match(blocked.body, /Too many failed logins/);
  const api = await t.app.inject({ method: 'GET', url: '/api/v1/csrf' });
  const token = api.json().csrfToken;
  const viaApi = await t.app.inject({
    method: 'POST', url: '/api/v1/login', payload: { email: 'victim@example.com', password: 'correct horse battery' },
    headers: { cookie: `berth_csrf=${token}`, 'x-csrf-token': token, ...from('198.51.100.98') },
  });
  assert.equal(viaApi.statusCode, 429);
  assert.equal(viaApi.json().error.code, 'RATE_LIMITED');
  assert.ok(Number(viaApi.headers['retry-after']) > 0);
});

test(`per address: after ${LOGIN_LIMITS.perAddress} failures from one client address it answers 429, other addresses still log in`, async () => {
  await new Browser(t).signUpWithForm('other@example.com');
  const b = new Browser(t);
  const attacker = from('203.0.113.7');
  for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) {
    const res = await b.logInWithForm(`nobody${i}@example.com`, 'wrong password', attacker);
    assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
  }
  const blocked = await b.logInWithForm('other@example.com', 'correct horse battery', attacker);
  assert.equal(blocked.statusCode, 429);
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  const elsewhere = await new Browser(t).logInWithForm('other@example.com', 'correct horse battery', from('203.0.113.8'));
  assert.equal(elsewhere.statusCode, 303);
});

test('failures are stored in login_failures, keyed by account and address', () => {
  const keys = t.db.prepare('SELECT DISTINCT key FROM login_failures').pluck().all() as string[];
  assert.ok(keys.includes('account:victim@example.com'));
  assert.ok(keys.includes('address:203.0.113.7'));
});
