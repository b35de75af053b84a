import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSignup } from '../../../src/auth/account-rules.js';
import { readCookieValues } from '../../../src/auth/cookie-names.js';
import { forwardAuthMiddleware } from '../../../src/auth/forward-auth-spec.js';
import { computeRetryAfterS } from '../../../src/auth/attempt-throttle.js';
import { isLocalPath, slugFromHost } from '../../../src/auth/tenant-host.js';

test('checkSignup names each bad field with a readable message', () => {
  assert.deepEqual(checkSignup('ann@example.com', 'long enough pw'), {});
  const bad = checkSignup('not-an-email', 'short');
  assert.match(bad.email!, /email address like/);
  assert.match(bad.password!, /at least 10 characters/);
  assert.match(checkSignup('', 'long enough pw').email!, /Enter your email/);
  assert.match(checkSignup('ann@exämple.com', 'long enough pw').email!, /email address like/);
  assert.match(checkSignup('a@b.co', ' '.repeat(12)).password!, /only spaces/);
});

test('computeRetryAfterS: waits until the limit-th newest failure leaves the window', () => {
  const now = 1_000_000;
  const win = 60_000;
  const cases: [number[], number, number][] = [
    [[], 3, 0],
    [[now - 1000, now - 2000], 3, 0],
    [[now - 1000, now - 2000, now - 3000], 3, 57],
    [[now - 1000, now - 2000, now - win - 1], 3, 0],
    [[now, now, now], 3, 60],
  ];
  for (const [failures, limit, want] of cases) assert.equal(computeRetryAfterS(failures, limit, win, now), want, JSON.stringify(failures));
});

test('slugFromHost accepts exactly one label under the domain, with or without a port', () => {
  const table: [string | undefined, string | null][] = [
    ['acme.berth.localhost', 'acme'],
    ['ACME.berth.localhost:8443', 'acme'],
    ['acme.berth.localhost.', 'acme'],
    ['berth.localhost', null],
    ['a.b.berth.localhost', null],
    ['acme.berth.localhost.evil.com', null],
    ['acmeberth.localhost', null],
    ['-x.berth.localhost', null],
    [undefined, null],
  ];
  for (const [host, want] of table) assert.equal(slugFromHost(host, 'berth.localhost'), want, String(host));
});

test('isLocalPath refuses other hosts and odd paths', () => {
  for (const ok of ['/', '/tables?x=1', '/a/b#c']) assert.equal(isLocalPath(ok), true, ok);
  for (const bad of ['', 'x', '//evil.com', '/\\evil.com', 'https://evil.com', '/a\nb', undefined, '/' + 'a'.repeat(3000)]) {
    assert.equal(isLocalPath(bad), false, String(bad));
  }
});

test('readCookieValues returns every copy of a cookie in order, bounded', () => {
  assert.deepEqual(readCookieValues('a=1; berth_t=x; b=2; berth_t=y', 'berth_t', 4), ['x', 'y']);
  assert.deepEqual(readCookieValues('berth_t=1;berth_t=2;berth_t=3', 'berth_t', 2), ['1', '2']);
  assert.deepEqual(readCookieValues(undefined, 'berth_t', 4), []);
  assert.deepEqual(readCookieValues('xberth_t=1', 'berth_t', 4), []);
});

test('forwardAuthMiddleware points Traefik at the loopback ForwardAuth endpoint', () => {
  const spec = forwardAuthMiddleware({ httpHost: '127.0.0.1', httpPort: 8088 });
  assert.deepEqual(spec, {
    address: 'http://127.0.0.1:8088/auth/forward',
    trustForwardHeader: true,
    authRequestHeaders: ['Accept', 'Authorization', 'Cookie', 'X-Request-Id'],
    authResponseHeaders: ['X-Berth-User-Id', 'X-Berth-User-Email', 'X-Berth-User-Role', 'X-Berth-Auth', 'X-Berth-Token-Scope', 'X-Request-Id'],
  });
  assert.equal(forwardAuthMiddleware({ httpHost: '0.0.0.0', httpPort: 9 }).address, 'http://127.0.0.1:9/auth/forward');
});
