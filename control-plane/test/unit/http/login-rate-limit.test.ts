// Log-in throttling through the real app (inject) on a real SQLite file: attempts are reserved
// before the password is hashed, so concurrent guesses cannot outrun the limit, and a stranger
// cannot lock the owner out from another address.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LOGIN_LIMITS } from '../../../src/auth/login-throttle.js';
import { Browser, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const PASSWORD = 'correct horse battery';
// Requests reach the control plane from Traefik on 127.0.0.1 with the client in X-Forwarded-For.
const from = (address: string) => ({ 'x-forwarded-for': address });

/** One JSON API login with a pre-session CSRF token; returns the status. */
async function apiLogin(email: string, password: string, address: string): Promise<number> {
  const token = (await t.app.inject({ method: 'GET', url: '/api/v1/csrf' })).json().csrfToken as string;
  const res = await t.app.inject({
    method: 'POST', url: '/api/v1/login', payload: { email, password },
    headers: { host: t.config.domain, cookie: `__Host-berth_csrf=${token}`, 'x-csrf-token': token, ...from(address) },
  });
  return res.statusCode;
}

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});

test(`40 concurrent wrong passwords for one account from one address: at most ${LOGIN_LIMITS.perAccountAndAddress} are evaluated, the rest answer 429`, async () => {
  await new Browser(t).signUpWithForm('raced@example.com', PASSWORD);
  const statuses = await Promise.all(Array.from({ length: 40 }, () => apiLogin('raced@example.com', 'wrong password', '198.51.100.1')));
  const counts = tally(statuses);
  assert.deepEqual(counts, { 401: LOGIN_LIMITS.perAccountAndAddress, 429: 40 - LOGIN_LIMITS.perAccountAndAddress });
  // The same holds for an email without an account (the decoy hash costs the same).
  const ghosts = tally(await Promise.all(Array.from({ length: 40 }, () => apiLogin('ghost@example.com', 'wrong password', '198.51.100.2'))));
  assert.deepEqual(ghosts, { 401: LOGIN_LIMITS.perAccountAndAddress, 429: 40 - LOGIN_LIMITS.perAccountAndAddress });
});

test('a stranger who exhausts an account from their address is refused there, even with the right password; the owner elsewhere logs in', async () => {
  await new Browser(t).signUpWithForm('owner@example.com', PASSWORD);
  const stranger = new Browser(t);
  for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) {
    assert.equal((await stranger.logInWithForm('owner@example.com', 'wrong password', from('203.0.113.66'))).statusCode, 401, `attempt ${i + 1}`);
  }
  const blocked = await stranger.logInWithForm('owner@example.com', PASSWORD, from('203.0.113.66'));
  assert.equal(blocked.statusCode, 429);
  const retryAfter = Number(blocked.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= LOGIN_LIMITS.windowMs / 1000, `retry-after ${retryAfter}`);
  assert.match(blocked.body, /Too many failed logins/);
  assert.equal((await new Browser(t).logInWithForm('owner@example.com', PASSWORD, from('192.0.2.10'))).statusCode, 303);
  assert.equal(await apiLogin('owner@example.com', PASSWORD, '192.0.2.11'), 200);
});

test('guesses from many addresses are capped per account; the owner still logs in from an address they used before', async () => {
  await new Browser(t).signUpWithForm('target@example.com', PASSWORD);
  assert.equal(await apiLogin('target@example.com', PASSWORD, '192.0.2.20'), 200, 'the owner logs in once from home');
  const addresses = Math.ceil(LOGIN_LIMITS.perAccountFromNewAddresses / LOGIN_LIMITS.perAccountAndAddress);
  const statuses: number[] = [];
  for (let a = 0; a < addresses + 2; a++) {
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress; i++) statuses.push(await apiLogin('target@example.com', 'wrong password', `198.18.0.${a + 1}`));
  }
  assert.equal(tally(statuses)[401], LOGIN_LIMITS.perAccountFromNewAddresses, 'evaluated guesses across addresses');
  assert.equal(await apiLogin('target@example.com', PASSWORD, '198.18.1.1'), 429, 'a new address waits while the account is under attack');
  assert.equal(await apiLogin('target@example.com', PASSWORD, '192.0.2.20'), 200, 'the known address is not locked out');
});

test(`per address: after ${LOGIN_LIMITS.perAddress} failures across accounts from one address it answers 429, other addresses still log in`, async () => {
  await new Browser(t).signUpWithForm('other@example.com', PASSWORD);
  const b = new Browser(t);
  const attacker = from('203.0.113.7');
  for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) {
    assert.equal((await b.logInWithForm(`nobody${i}@example.com`, 'wrong password', attacker)).statusCode, 401, `attempt ${i + 1}`);
  }
  const blocked = await b.logInWithForm('other@example.com', PASSWORD, attacker);
  assert.equal(blocked.statusCode, 429);
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  assert.equal((await new Browser(t).logInWithForm('other@example.com', PASSWORD, from('203.0.113.8'))).statusCode, 303);
});

test('a success gives its reservation back and forgives its own address, not others', async () => {
  await new Browser(t).signUpWithForm('typo@example.com', PASSWORD);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < LOGIN_LIMITS.perAccountAndAddress - 1; i++) assert.equal(await apiLogin('typo@example.com', 'wrong password', '192.0.2.30'), 401);
    assert.equal(await apiLogin('typo@example.com', PASSWORD, '192.0.2.30'), 200, `round ${round + 1}`);
  }
  const keys = t.db.prepare("SELECT key FROM login_failures WHERE key LIKE '%192.0.2.30%'").pluck().all() as string[];
  assert.deepEqual(keys.filter((k) => k.startsWith('account-address:')), [], 'the pair is forgiven');
  assert.deepEqual(keys.filter((k) => k.startsWith('known:')), ['known:192.0.2.30 typo@example.com']);
  assert.equal(keys.filter((k) => k.startsWith('address:')).length, 3 * (LOGIN_LIMITS.perAccountAndAddress - 1), 'failures stay on the address');
});
