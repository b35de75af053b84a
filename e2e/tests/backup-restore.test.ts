// Continuous backup and restore, end to end: a real control plane runs a real Litestream next
// to real tenant containers. Acknowledged writes reach the replica; a restore to a past moment
// shows exactly that moment's rows; a restore is undone; a destroyed volume (container and
// volume removed) comes back with every write acknowledged before its loss that was
// replicated; the heartbeat fails while Litestream is stopped (and the lag metric says so); the
// lag is on /metrics and each tenant's last replicated moment on the admin page; a deleted
// tenant's backups stay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { waitFor } from '@berth/common/wait-for';
import { startStack, REPO_ROOT, type Stack } from '../src/stack.js';
import { docker } from '../src/docker-cli.js';
import { createTenant, signUp, waitUntilServing, send, type Session } from '../src/session.js';
import { appendRows, importCsv, runSql } from '../src/load/tenant-api.js';
import { isOk } from '../src/load/http-call.js';
import { signedInTarget, type TenantTarget } from '../src/load/tenant-target.js';
import { LITESTREAM_BIN } from '../src/litestream-bin.js';

const run = promisify(execFile);
let stack: Stack;
let session: Session;
let stateDir = '';
const scratch = mkdtempSync(join(tmpdir(), 'berth-backup-test-'));

before(async () => {
  stack = await startStack({ env: { BERTH_BACKUP_INTERVAL_MS: '300', BERTH_BACKUP_LAG_LIMIT_S: '4' } });
  stateDir = join(stack.dir, 'state');
  session = await signUp(stack, 'backup@example.test', 'correct horse battery staple');
});

after(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function tenantTarget(slug: string): Promise<TenantTarget> {
  return signedInTarget(stack, session, slug);
}

async function newTenant(slug: string): Promise<TenantTarget> {
  await createTenant(stack, session, slug);
  await waitUntilServing(stack, session, slug);
  const t = await tenantTarget(slug);
  await importCsv(t, 'notes', 'n,tag\n0,seed\n');
  return t;
}

/** Appends rows n = from..to-1, each acknowledged (200 after COMMIT) before the next. */
async function write(t: TenantTarget, from: number, to: number, tag: string): Promise<void> {
  for (let n = from; n < to; n++) {
    const r = await appendRows(t, 'notes', [{ n, tag }]);
    assert.ok(isOk(r), `append ${n}: ${r.status} ${r.body.slice(0, 200)}`);
  }
}

async function ns(t: TenantTarget): Promise<number[]> {
  const r = await runSql(t, 'SELECT n FROM notes WHERE n > 0 ORDER BY n');
  return r.rows.map((row) => Number(row[0]));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

interface BackupStatus { ok: boolean; detail: string; tenants: { slug: string; lineageId: number | null; lastReplicatedAt: number | null; problem: string | null }[] }

/** The operator's view of replication (what ./berth backups prints), straight from the API. */
async function backups(): Promise<BackupStatus> {
  const token = readFileSync(join(stateDir, 'operator.token'), 'utf8').trim();
  const res = await fetch(`${stack.cpUrl}/api/v1/backups`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as BackupStatus;
}

/**
 * Waits until a copy restored from the tenant's newest lineage by Litestream's own CLI holds
 * exactly these rows. (Litestream's last-sync time alone is not proof: a sync may run before
 * its 1 s monitor has turned the newest WAL frames into a transaction file.)
 */
async function replicaHolds(slug: string, want: number[]): Promise<void> {
  let seen: number[] = [];
  await waitFor(async () => {
    seen = await rowsInReplica(slug).catch(() => []);
    return JSON.stringify(seen) === JSON.stringify(want);
  }, { timeoutMs: 30_000, intervalMs: 250, what: `${slug}'s replica holding rows ${want[0]}..${want.at(-1)}` }).catch(async (err: Error) => {
    throw new Error(`${err.message}; replica has ${seen.length} rows up to ${seen.at(-1)}; backups: ${JSON.stringify(await backups())}`);
  });
}

function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'control-plane/src/cli/main.ts'), ...args], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', BERTH_HTTP_PORT: String(stack.cpPort), BERTH_STATE_DIR: stateDir }, timeout: 180_000,
  });
}

async function heartbeat(): Promise<{ status: number; backup?: { ok: boolean; detail?: string } }> {
  const res = await fetch(`${stack.cpUrl}/__heartbeat__`);
  const body = (await res.json()) as { checks?: { backup?: { ok: boolean; detail?: string } } };
  return { status: res.status, backup: body.checks?.backup };
}

/** Rows of notes in a copy restored straight from a lineage's replica directory by Litestream's own CLI. */
async function rowsInReplica(slug: string): Promise<number[]> {
  const dir = join(stateDir, 'backups', slug);
  const lineage = readdirSync(dir).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b)).at(-1)!;
  const out = join(scratch, `${slug}-${Date.now()}.db`);
  await run(LITESTREAM_BIN, ['restore', '-o', out, `file://${join(dir, lineage)}`]);
  const { stdout } = await run('sqlite3', [out, 'SELECT n FROM notes WHERE n > 0 ORDER BY n']);
  return stdout.split('\n').filter(Boolean).map(Number);
}

let bk: TenantTarget;

test('acknowledged writes reach the replica, and the heartbeat reports the replication', async () => {
  bk = await newTenant('bk1');
  await write(bk, 1, 21, 'a');
  await replicaHolds('bk1', range(1, 21));
  const hb = await heartbeat();
  assert.equal(hb.status, 200);
  assert.equal(hb.backup?.ok, true, hb.backup?.detail);
  assert.match(hb.backup!.detail!, /worst replication lag \d+ ms/);

  // The lag on /metrics, and each tenant's last replicated moment on the admin page. berth
  // reads Litestream's last sync at its next backup pass, which may come after the replica
  // already holds the rows (CI saw the scrape in between once), so wait for the series.
  let text = '';
  await waitFor(async () => {
    text = await (await fetch(`${stack.cpUrl}/metrics`)).text();
    return /^berth_backup_last_replicated_timestamp_seconds\{tenant="bk1"\} [0-9.e+-]+$/m.test(text);
  }, { timeoutMs: 15_000, intervalMs: 200, what: 'bk1\'s last replicated moment on /metrics' });
  assert.match(text, /^berth_backup_replication_lag_seconds\{tenant="bk1"\} [0-9.e+-]+$/m);
  assert.ok(metric(text, 'berth_backup_worst_replication_lag_seconds')! < 4, 'within the limit');
  await cli(['admin', 'add', 'backup@example.test']);
  const admin = await send(stack, session.jar, `${stack.publicUrl}/admin`, { headers: { accept: 'text/html' } });
  assert.equal(admin.status, 200);
  assert.match(admin.body, /<th>Last replicated<\/th>/);
  assert.match(admin.body, /data-testid="replicated-bk1" title="\d{4}-\d\d-\d\dT[^"]+">\s*<span class="state" data-state="healthy">\d+ s ago<\/span>/);
});

test('a restore to a past moment shows exactly that moment, and can be undone', async () => {
  const moment = Date.now();
  await write(bk, 21, 31, 'b');
  await replicaHolds('bk1', range(1, 31));
  const { stdout } = await cli(['restore', 'bk1', '--at', new Date(moment).toISOString(), '--json']);
  const result = JSON.parse(stdout) as { kept: string; mode: string };
  assert.equal(result.mode, 'at');
  assert.ok(existsSync(join(result.kept, 'tenant.db')), 'the replaced database is kept');
  bk = await tenantTarget('bk1');
  assert.deepEqual(await ns(bk), range(1, 21));

  await cli(['restore', 'bk1', '--undo']);
  bk = await tenantTarget('bk1');
  assert.deepEqual(await ns(bk), range(1, 31));
});

test('a destroyed volume is restored with every acknowledged, replicated write', async () => {
  await write(bk, 31, 41, 'c');
  await replicaHolds('bk1', range(1, 41));
  const volume = `berth-${stack.instance}-bk1`;
  // The disk is lost while the control plane is down (otherwise its reconciler would put a
  // container back on the volume between the two removals).
  await stack.controlPlane.kill('SIGTERM');
  const ids = (await docker('ps', '-aq', '--filter', `volume=${volume}`)).split('\n').filter(Boolean);
  for (const id of ids) await docker('rm', '-f', id);
  await docker('volume', 'rm', '-f', volume);
  await stack.controlPlane.start();
  // The reconciler recreates the volume empty: that new database is not replicated over the backup.
  await waitFor(async () => (await backups()).tenants.some((t) => t.slug === 'bk1' && /volume replaced/.test(t.problem ?? '')),
    { timeoutMs: 60_000, intervalMs: 200, what: 'the replaced volume noticed' });

  await cli(['restore', 'bk1']);
  bk = await tenantTarget('bk1');
  assert.deepEqual(await ns(bk), range(1, 41));
  await write(bk, 41, 43, 'd');
  // The restored database is replicated again, into a new lineage.
  await replicaHolds('bk1', range(1, 43));
});

test('the heartbeat fails while Litestream does not replicate, and recovers', async () => {
  const info = await socketGet(join(stateDir, 'litestream', 'control.sock'), '/info') as { pid: number };
  process.kill(info.pid, 'SIGSTOP');
  try {
    await waitFor(async () => (await heartbeat()).status === 500, { timeoutMs: 30_000, intervalMs: 250, what: 'heartbeat red' });
    const hb = await heartbeat();
    assert.equal(hb.backup?.ok, false);
    // The metric shows the lag growing past the limit (4 s here) too.
    await waitFor(async () => metric(await (await fetch(`${stack.cpUrl}/metrics`)).text(), 'berth_backup_worst_replication_lag_seconds')! > 4,
      { timeoutMs: 30_000, intervalMs: 250, what: 'the worst-lag metric past the limit' });
  } finally {
    process.kill(info.pid, 'SIGCONT');
  }
  await waitFor(async () => (await heartbeat()).status === 200, { timeoutMs: 30_000, intervalMs: 250, what: 'heartbeat green again' });
});

test("a deleted tenant's backups survive", async () => {
  const t = await newTenant('bk2');
  await write(t, 1, 6, 'x');
  await replicaHolds('bk2', range(1, 6));
  const res = await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/bk2`, { method: 'DELETE', headers: { 'x-csrf-token': session.csrfToken } });
  assert.ok(res.status < 300, `delete: ${res.status}`);
  await waitFor(async () => !(await backups()).tenants.some((x) => x.slug === 'bk2'), { timeoutMs: 30_000, intervalMs: 200, what: 'bk2 no longer replicated' });
  assert.deepEqual(await rowsInReplica('bk2'), range(1, 6));
});

/** The value of an unlabelled series in a Prometheus text. */
function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

function socketGet(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path, timeout: 2000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text)));
    }).on('error', reject);
  });
}
