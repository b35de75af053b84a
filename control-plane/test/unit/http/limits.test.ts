// Limits that keep one account from exhausting the host: instances per account, and writes
// refused cleanly (503 DISK_FULL) before the control plane's own disk is full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword } from '../../../src/auth/passwords.js';
import { insertUser } from '../../../src/auth/users.js';
import { freeDiskBytes } from '../../../src/db/free-disk.js';
import { Browser, startTestApp } from './test-app.js';

test('an account owns at most BERTH_MAX_INSTANCES_PER_ACCOUNT instances; the refusal names the limit; a deleted one frees a place', async () => {
  const t = await startTestApp({ BERTH_MAX_INSTANCES_PER_ACCOUNT: '2' });
  try {
    const alice = new Browser(t);
    await alice.signUpWithForm('alice@example.com');
    for (const slug of ['one', 'two']) assert.equal((await alice.api('POST', '/api/v1/tenants', { slug })).statusCode, 201);
    const third = await alice.api('POST', '/api/v1/tenants', { slug: 'three' });
    assert.equal(third.statusCode, 409);
    const body = third.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'INSTANCE_LIMIT');
    assert.match(body.error.message, /2 instances/);
    assert.match(body.error.message, /BERTH_MAX_INSTANCES_PER_ACCOUNT/);
    // The page form says the same, and nothing was created.
    const page = await alice.request({ method: 'GET', url: '/' });
    const form = await alice.postForm('/instances', { slug: 'three', _csrf: Browser.csrfFrom(page.body) });
    assert.equal(form.statusCode, 409);
    assert.match(form.body, /2 instances/);
    assert.equal((await alice.api('GET', '/api/v1/tenants/three')).statusCode, 404);
    // Another account has its own allowance.
    const bob = new Browser(t);
    await bob.signUpWithForm('bob@example.com');
    assert.equal((await bob.api('POST', '/api/v1/tenants', { slug: 'bobs' })).statusCode, 201);
    // Deleting one frees a place.
    assert.equal((await alice.api('DELETE', '/api/v1/tenants/one')).statusCode, 204);
    assert.equal((await alice.api('POST', '/api/v1/tenants', { slug: 'three' })).statusCode, 201);
  } finally {
    await t.close();
  }
});

test('below BERTH_MIN_FREE_DISK_MIB free, sign-up and instance creation answer 503 DISK_FULL and write nothing; the loopback heartbeat says why', async () => {
  const probe = await startTestApp();
  const freeMib = Math.floor(freeDiskBytes(probe.config.stateDir) / (1024 * 1024));
  await probe.close();
  // A minimum above what this disk has free: the state of a disk that filled up.
  const t = await startTestApp({ BERTH_MIN_FREE_DISK_MIB: String(freeMib + 1_000_000) });
  try {
    const b = new Browser(t);
    const page = await b.request({ method: 'GET', url: '/signup' });
    const csrf = Browser.csrfFrom(page.body);
    const signup = await b.request({ method: 'POST', url: '/api/v1/signup', payload: { email: 'full@example.com', password: 'correct horse battery' }, headers: { 'x-csrf-token': csrf, origin: t.config.publicUrl } });
    assert.equal(signup.statusCode, 503, signup.body);
    assert.equal((signup.json() as { error: { code: string } }).error.code, 'DISK_FULL');
    assert.equal((t.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n, 0, 'no account written');
    const heartbeat = await t.app.inject({ method: 'GET', url: '/__heartbeat__', headers: { host: '127.0.0.1:8088' } });
    const disk = (heartbeat.json() as { checks?: Record<string, { ok: boolean; detail?: string }> }).checks?.disk;
    assert.equal(disk?.ok, false);
    assert.match(disk?.detail ?? '', /MiB free \(minimum \d+ MiB\)/);
    // An account made while there was room (written here directly) cannot create an instance.
    insertUser(t.db, 'roomy@example.com', await hashPassword('correct horse battery'), Date.now());
    const roomy = new Browser(t);
    assert.equal((await roomy.logInWithForm('roomy@example.com')).statusCode, 303);
    const created = await roomy.api('POST', '/api/v1/tenants', { slug: 'full' });
    assert.equal(created.statusCode, 503);
    assert.equal((created.json() as { error: { code: string } }).error.code, 'DISK_FULL');
    assert.equal((t.db.prepare('SELECT count(*) AS n FROM tenants').get() as { n: number }).n, 0);
  } finally {
    await t.close();
  }
});
