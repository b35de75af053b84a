// Continuous backup into an S3-compatible bucket, end to end: a real control plane runs a real
// Litestream that replicates real tenant databases into a bucket of a real S3 server
// (versitygw, on loopback; e2e/src/versitygw.ts). Replicas land under the configured key prefix
// and nothing goes to the backup directory; the heartbeat's lag check is green; the operator's
// restore brings back every acknowledged write from the bucket, both after a graceful stop
// (nothing waited for) and after the tenant's volume was destroyed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { waitFor } from '@berth/common/wait-for';
import { startStack, REPO_ROOT, type Stack } from '../src/stack.js';
import { docker } from '../src/docker-cli.js';
import { createTenant, signUp, waitUntilServing, type Session } from '../src/session.js';
import { appendRows, importCsv, runSql } from '../src/load/tenant-api.js';
import { isOk } from '../src/load/http-call.js';
import { signedInTarget, type TenantTarget } from '../src/load/tenant-target.js';
import { startVersitygw, type Versitygw } from '../src/versitygw.js';
import { LITESTREAM_BIN } from '../src/litestream-bin.js';

const run = promisify(execFile);
const BUCKET = 'berth-replicas';
const PREFIX = 'e2e/replicas';
const scratch = mkdtempSync(join(tmpdir(), 'berth-backup-s3-'));
let gw: Versitygw | undefined;
let stack: Stack | undefined;
let session: Session;
let stateDir = '';

before(async () => {
  gw = await startVersitygw({ dir: join(scratch, 'versitygw'), accessKey: 'berthtestaccess', secretKey: 'berth-test-secret-not-a-real-one' });
  await gw.createBucket(BUCKET);
  stack = await startStack({
    env: {
      BERTH_BACKUP_S3_BUCKET: BUCKET,
      BERTH_BACKUP_S3_PATH: PREFIX,
      BERTH_BACKUP_S3_ENDPOINT: gw.endpoint,
      BERTH_BACKUP_S3_REGION: gw.region,
      AWS_ACCESS_KEY_ID: gw.accessKey,
      AWS_SECRET_ACCESS_KEY: gw.secretKey,
      BERTH_BACKUP_INTERVAL_MS: '300',
    },
  });
  stateDir = join(stack.dir, 'state');
  session = await signUp(stack, 's3@example.test', 'correct horse battery staple');
});

after(async () => {
  try {
    await stack?.stop();
  } finally {
    await gw?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});

function s(): Stack {
  assert.ok(stack, 'the stack started');
  return stack;
}

/** Appends rows n = from..to-1, each acknowledged (200 after COMMIT) before the next. */
async function write(t: TenantTarget, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    const r = await appendRows(t, 'notes', [{ n, tag: 's3' }]);
    assert.ok(isOk(r), `append ${n}: ${r.status} ${r.body.slice(0, 200)}`);
  }
}

async function ns(t: TenantTarget): Promise<number[]> {
  const r = await runSql(t, 'SELECT n FROM notes WHERE n > 0 ORDER BY n');
  return r.rows.map((row) => Number(row[0]));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

interface TenantBackup { slug: string; lineageId: number | null; lastReplicatedAt: number | null; problem: string | null }

/** The operator's view of replication (what ./berth backups prints), straight from the API. */
async function backups(): Promise<{ ok: boolean; detail: string; tenants: TenantBackup[] }> {
  const token = readFileSync(join(stateDir, 'operator.token'), 'utf8').trim();
  const res = await fetch(`${s().cpUrl}/api/v1/backups`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as { ok: boolean; detail: string; tenants: TenantBackup[] };
}

/** The lineage the tenant is replicated into now (a restore starts a new one), once Litestream has synced it. */
async function replicatedLineage(slug: string): Promise<number | undefined> {
  const t = (await backups()).tenants.find((x) => x.slug === slug);
  return t && t.problem === null && t.lineageId !== null && t.lastReplicatedAt !== null ? t.lineageId : undefined;
}

/** The operator's ./berth, against this stack. */
function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'control-plane/src/cli/main.ts'), ...args], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', BERTH_HTTP_PORT: String(s().cpPort), BERTH_STATE_DIR: stateDir }, timeout: 180_000,
  });
}

async function heartbeat(): Promise<{ status: number; backup?: { ok: boolean; detail?: string } }> {
  const res = await fetch(`${s().cpUrl}/__heartbeat__`);
  const body = (await res.json()) as { checks?: { backup?: { ok: boolean; detail?: string } } };
  return { status: res.status, backup: body.checks?.backup };
}

/**
 * Rows of notes in a copy restored from one lineage in the bucket by Litestream's own CLI,
 * through the S3 API (the same replica settings berth gives Litestream). Litestream's last-sync
 * time alone is no proof that a write reached the bucket (a sync may run before its monitor has
 * turned the newest WAL frames into a transaction file).
 */
async function rowsInBucket(slug: string, lineage: number): Promise<number[]> {
  const out = join(scratch, `${slug}-${lineage}-${Date.now()}.db`);
  const cfg = join(scratch, `${slug}-restore.yml`);
  writeFileSync(cfg, JSON.stringify({
    dbs: [{ path: join(scratch, `${slug}.db`), replica: { type: 's3', bucket: BUCKET, path: `${PREFIX}/${slug}/${lineage}`, endpoint: gw!.endpoint, region: gw!.region, 'force-path-style': true } }],
  }));
  await run(LITESTREAM_BIN, ['restore', '-config', cfg, '-o', out, join(scratch, `${slug}.db`)], {
    env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: gw!.accessKey, AWS_SECRET_ACCESS_KEY: gw!.secretKey }, timeout: 30_000,
  });
  const { stdout } = await run('sqlite3', [out, 'SELECT n FROM notes WHERE n > 0 ORDER BY n']);
  rmSync(out, { force: true });
  return stdout.split('\n').filter(Boolean).map(Number);
}

/** Waits until the tenant's current lineage in the bucket holds exactly these rows; returns that lineage. */
async function bucketHolds(slug: string, want: number[]): Promise<number> {
  let seen: number[] = [];
  let lineage: number | undefined;
  return waitFor(async () => {
    lineage = await replicatedLineage(slug);
    if (lineage === undefined) return undefined;
    seen = await rowsInBucket(slug, lineage);
    return JSON.stringify(seen) === JSON.stringify(want) ? lineage : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250, what: `${slug}'s replica in the bucket holding rows ${want[0]}..${want.at(-1)}` }).catch((err: Error) => {
    throw new Error(`${err.message}; lineage ${lineage} has ${seen.length} rows up to ${seen.at(-1)}`);
  });
}

async function heartbeatGreen(): Promise<string> {
  let hb = await heartbeat();
  await waitFor(async () => {
    hb = await heartbeat();
    return hb.status === 200 && hb.backup?.ok === true;
  }, { timeoutMs: 30_000, intervalMs: 250, what: 'the heartbeat green' }).catch((err: Error) => {
    throw new Error(`${err.message}: ${hb.status} ${JSON.stringify(hb.backup)}`);
  });
  return hb.backup!.detail!;
}

let t: TenantTarget;

test('acknowledged writes reach the bucket under its prefix, none the backup directory, and the lag check is green', async () => {
  await createTenant(s(), session, 's3a');
  await waitUntilServing(s(), session, 's3a');
  t = await signedInTarget(s(), session, 's3a');
  await importCsv(t, 'notes', 'n,tag\n0,seed\n');
  await write(t, 1, 21);
  const lineage = await bucketHolds('s3a', range(1, 21));

  // Litestream's transaction files, as objects of the bucket under <prefix>/<slug>/<lineage>/.
  const keys = gw!.keys(BUCKET, `${PREFIX}/s3a/${lineage}`);
  assert.ok(keys.some((k) => /\.ltx$/.test(k)), `transaction files in the bucket: ${keys.join(', ')}`);
  assert.ok(keys.every((k) => k.startsWith(`${PREFIX}/s3a/${lineage}/`)));
  const local = join(stateDir, 'backups', 's3a');
  assert.deepEqual(existsSync(local) ? readdirSync(local) : [], [], 'nothing replicated into the backup directory');

  assert.match(await heartbeatGreen(), /worst replication lag \d+ ms/);
  const mine = (await backups()).tenants.find((x) => x.slug === 's3a')!;
  assert.ok(Date.now() - mine.lastReplicatedAt! < 10_000, `last replicated ${Date.now() - mine.lastReplicatedAt!} ms ago`);
  assert.match(await (await fetch(`${s().cpUrl}/metrics`)).text(), /^berth_backup_replication_lag_seconds\{tenant="s3a"\} [0-9.e+-]+$/m);
});

test('a restore from the bucket right after writes brings back every acknowledged one', async () => {
  const before = await waitFor(() => replicatedLineage('s3a'), { what: 's3a replicated' });
  // No wait for the bucket: the restore's graceful stop and Litestream's final sync carry them.
  await write(t, 21, 31);
  const { stdout } = await cli(['restore', 's3a', '--json']);
  const result = JSON.parse(stdout) as { mode: string; fromLineage: number; newLineage: number };
  assert.equal(result.mode, 'latest');
  assert.equal(result.fromLineage, before);
  t = await signedInTarget(s(), session, 's3a');
  assert.deepEqual(await ns(t), range(1, 31));
  // The restored database is replicated into a new lineage of the bucket.
  await write(t, 31, 33);
  assert.equal(await bucketHolds('s3a', range(1, 33)), result.newLineage);
});

test('a destroyed volume is restored from the bucket with every replicated write', async () => {
  await write(t, 33, 41);
  await bucketHolds('s3a', range(1, 41));
  const volume = `berth-${s().instance}-s3a`;
  // The disk is lost while the control plane is down (otherwise its reconciler would put a
  // container back on the volume between the two removals).
  await s().controlPlane.kill('SIGTERM');
  const ids = (await docker('ps', '-aq', '--filter', `volume=${volume}`)).split('\n').filter(Boolean);
  for (const id of ids) await docker('rm', '-f', id);
  await docker('volume', 'rm', '-f', volume);
  await s().controlPlane.start();
  // The reconciler recreates the volume empty: that new database is not replicated over the backup.
  await waitFor(async () => (await backups()).tenants.some((x) => x.slug === 's3a' && /volume replaced/.test(x.problem ?? '')),
    { timeoutMs: 60_000, intervalMs: 200, what: 'the replaced volume noticed' });

  await cli(['restore', 's3a']);
  t = await signedInTarget(s(), session, 's3a');
  assert.deepEqual(await ns(t), range(1, 41));
  await write(t, 41, 43);
  await bucketHolds('s3a', range(1, 43));
  assert.match(await heartbeatGreen(), /worst replication lag \d+ ms/);
});
