import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@berth/common/wait-for';
import { loadConfig } from '../../../src/config.js';
import { openDatabase, type Db } from '../../../src/db/open-database.js';
import { runExpirySweep, sweepExpired } from '../../../src/auth/expiry-sweep.js';
import { LOGIN_LIMITS } from '../../../src/auth/login-throttle.js';
import { createLogger } from '@berth/common/logger';
import { insertTenant } from '../../../src/tenants/tenant-store.js';
import { Browser, startTestApp } from '../http/test-app.js';

const HOUR = 3600_000;
const limits = { signupLimitPerAddress: 10, signupLimitWindowMinutes: 60 };
let dir: string;
let db: Db;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-sweep-'));
  db = openDatabase(join(dir, 'berth.db'));
  db.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'ann@example.com', 'x', 0)").run();
  insertTenant(db, { slug: 'acme', ownerId: 1, image: 'img' }, 0);
});
after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A session, one tenant session and one SSO code under it, each expiring at the given times. */
function insertSessionTree(name: string, sessionExpiresAt: number, childExpiresAt: number): void {
  db.prepare("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, 1, 'c', 0, ?)").run(`s-${name}`, sessionExpiresAt);
  db.prepare('INSERT INTO tenant_sessions (id_hash, session_id_hash, tenant_id, created_at, expires_at) VALUES (?, ?, 1, 0, ?)').run(`t-${name}`, `s-${name}`, childExpiresAt);
  db.prepare("INSERT INTO sso_codes (code_hash, session_id_hash, tenant_id, return_to, expires_at) VALUES (?, ?, 1, '/', ?)").run(`c-${name}`, `s-${name}`, childExpiresAt);
}

const ids = (table: string, column: string) => db.prepare(`SELECT ${column} FROM ${table} ORDER BY 1`).pluck().all();
const clear = () => db.exec('DELETE FROM sso_codes; DELETE FROM tenant_sessions; DELETE FROM sessions; DELETE FROM login_failures;');

test('sweepExpired deletes exactly the expired sessions, tenant sessions, SSO codes, lapsed invitations and out-of-window throttle rows', () => {
  clear();
  const now = 100 * HOUR;
  insertSessionTree('live', now + HOUR, now + 60_000);
  insertSessionTree('live-parent', now + HOUR, now); // expires_at == now counts as expired, as in every lookup
  insertSessionTree('dead', now - 1, now - 1);
  const failure = db.prepare('INSERT INTO login_failures (key, at) VALUES (?, ?)');
  failure.run('account:ann@example.com', now - LOGIN_LIMITS.windowMs - 1); // out of the 15-minute window
  failure.run('address:192.0.2.1', now - LOGIN_LIMITS.windowMs + 1000); // still inside it
  failure.run('signup-address:192.0.2.1', now - 30 * 60_000); // inside the hour
  failure.run('signup-address:192.0.2.2', now - HOUR - 1); // outside the hour
  const invite = db.prepare("INSERT INTO invitations (tenant_id, email, role, invited_by, created_at, expires_at) VALUES (1, ?, 'member', 'o@example.com', 0, ?)");
  invite.run('waiting@example.com', now + HOUR);
  invite.run('lapsed@example.com', now);

  assert.deepEqual(sweepExpired(db, limits, now), { sessions: 1, tenantSessions: 2, ssoCodes: 2, throttleRows: 2, apiTokens: 0, invitations: 1 });
  assert.deepEqual(ids('invitations', 'email'), ['waiting@example.com']);
  assert.deepEqual(ids('sessions', 'id_hash'), ['s-live', 's-live-parent']);
  assert.deepEqual(ids('tenant_sessions', 'id_hash'), ['t-live']);
  assert.deepEqual(ids('sso_codes', 'code_hash'), ['c-live']);
  assert.deepEqual(ids('login_failures', 'key'), ['address:192.0.2.1', 'signup-address:192.0.2.1']);
  assert.deepEqual(sweepExpired(db, limits, now), { sessions: 0, tenantSessions: 0, ssoCodes: 0, throttleRows: 0, apiTokens: 0, invitations: 0 });
});

test('runExpirySweep sweeps at once and every interval, logs only when it removed rows, and ends on abort', async () => {
  clear();
  const lines: string[] = [];
  const log = createLogger({ component: 'test', level: 'debug', destination: { write: (l) => void lines.push(l) } });
  const stop = new AbortController();
  insertSessionTree('old', Date.now() - 1, Date.now() - 1);
  const running = runExpirySweep({ db, log, config: { ...limits, expirySweepIntervalMs: 50 } }, stop.signal);
  const removed = () => lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'expired rows removed');
  assert.deepEqual(removed().map(({ sessions, tenantSessions, ssoCodes, throttleRows }) => ({ sessions, tenantSessions, ssoCodes, throttleRows })),
    [{ sessions: 1, tenantSessions: 1, ssoCodes: 1, throttleRows: 0 }], 'first sweep runs at start');

  // A later expiry is caught by a later pass; passes that find nothing stay quiet.
  insertSessionTree('soon', Date.now() + 100, Date.now() + 100);
  await waitFor(() => ids('sessions', 'id_hash').length === 0, { timeoutMs: 5000, what: 'the sweep to remove the session' });
  await waitFor(() => removed().length === 2, { timeoutMs: 5000, what: 'the second log line' });
  stop.abort();
  await running;
  assert.equal(removed().length, 2);
  assert.equal(lines.filter((l) => JSON.parse(l).level !== 'info').length, 0, 'no warnings');
});

test('the app starts the sweep when ready and stops it on close (BERTH_EXPIRY_SWEEP_INTERVAL_MS)', async () => {
  const t = await startTestApp({ BERTH_EXPIRY_SWEEP_INTERVAL_MS: '100' });
  try {
    assert.equal((await new Browser(t).signUpWithForm('ann@example.com')).statusCode, 303);
    t.db.prepare('UPDATE sessions SET expires_at = ?').run(Date.now() - 1);
    await waitFor(() => t.db.prepare('SELECT count(*) FROM sessions').pluck().get() === 0, { timeoutMs: 5000, what: 'the expired session to be swept' });
    assert.ok(t.logLines.some((l) => JSON.parse(l).msg === 'expired rows removed'));
  } finally {
    // close() aborts and awaits the sweep before the database closes; a sweep left running
    // would fail against the closed database and keep the test process alive.
    await t.close();
  }
});

test('the sweep interval is a setting with a ten-minute default', () => {
  assert.equal(loadConfig({}).expirySweepIntervalMs, 600_000);
  assert.equal(loadConfig({ BERTH_EXPIRY_SWEEP_INTERVAL_MS: '1000' }).expirySweepIntervalMs, 1000);
});
