// ./berth bench restore — continuous backup under loss, on one stack (control plane, Traefik,
// real Litestream). One tenant imports the 1,000,000-row CSV through its upload path while the
// replication lag is sampled; acknowledged writes (one row each, at a steady rate, through
// Traefik) go to a second table; then its disk is lost crash-style (the container killed, the
// volume removed, the control plane frozen meanwhile so its reconciler does not race the
// removal) and the latest point is restored through the operator's API: acknowledged writes
// missing (RPO) and volume gone → instance serving the restored data again (RTO), for a
// database of the import's size. Then the 1M-row table is restored by itself, beside the
// current one (the owner's API). Last, writes flow while berth stops the instance itself (the
// restore's own graceful stop: unrouted, drained, Litestream's final sync) and restores the
// latest point: acknowledged writes missing. Figures, then one JSON line last.
// Lag: every 100 ms, how long the replica has been behind what Litestream had read from the
// WAL (its txid against the replica's newest transaction file); commits reach Litestream
// within its monitor interval, which the output names.
//   node --import tsx e2e/bench/restore.ts [--rows 1000000] [--rate 20] [--seconds 10]
import { mkdtempSync, readdirSync, rmSync, statSync, readFileSync, createReadStream } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { waitFor } from '@berth/common/wait-for';
import { generateBenchCsv } from '../../tenant-image/bench/import-core.js';
import { startStack, type Stack } from '../src/stack.js';
import { docker } from '../src/docker-cli.js';
import { createTenant, send, signUp, waitUntilServing, type Session } from '../src/session.js';
import { appendRows, importCsv, runSql, startImport, waitForImport, waitForIndexing, TenantCallError } from '../src/load/tenant-api.js';
import { callTenant, signedInTarget, type TenantTarget } from '../src/load/tenant-target.js';
import { epochNow, isOk } from '../src/load/http-call.js';
import { percentile } from './bench-tools.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
  },
});
const ROWS = Number(args.rows);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
if (!(ROWS >= 1000 && RATE > 0 && RATE <= 200 && SECONDS >= 2 && SECONDS <= 120)) throw new Error('--rows ≥ 1000, --rate in (0, 200], --seconds in [2, 120]');
const SLUG = 'rst1';

let stack!: Stack;
let session: Session;
let stateDir = '';
let operatorToken = '';

// ---- Litestream, read directly: its control socket and the replica directory ----

function socketGet(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: join(stateDir, 'litestream', 'control.sock'), path, timeout: 2000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: timeout`)));
    req.on('error', reject);
  });
}

function newestLineageDir(slug: string): string | null {
  const dir = join(stateDir, 'backups', slug);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+$/.test(n));
  } catch {
    return null;
  }
  const id = names.sort((a, b) => Number(a) - Number(b)).at(-1);
  return id ? join(dir, id) : null;
}

/** Newest transaction id in the replica (over every level), 0 when none. */
function replicaTxid(lineageDir: string): number {
  let max = 0;
  let levels: string[];
  try {
    levels = readdirSync(join(lineageDir, 'ltx'));
  } catch {
    return 0;
  }
  for (const level of levels) {
    let files: string[] = [];
    try {
      files = readdirSync(join(lineageDir, 'ltx', level));
    } catch {
      continue; // compaction removed it between the two listings
    }
    for (const f of files) {
      const m = /^([0-9a-f]+)-([0-9a-f]+)\.ltx$/.exec(f);
      if (m) max = Math.max(max, parseInt(m[2]!, 16));
    }
  }
  return max;
}

async function localTxid(dbPath: string): Promise<number | null> {
  try {
    return ((await socketGet(`/txid?path=${encodeURIComponent(dbPath)}`)) as { txid: number }).txid;
  } catch {
    return null;
  }
}

interface LagSampler {
  stop(): Promise<{ lagMs: number[]; maxTxid: number }>;
}

/** Every 100 ms: how long the replica has been behind Litestream's own position (0 when level). */
function sampleLag(slug: string, dbPath: string, signal: AbortSignal): LagSampler {
  const lagMs: number[] = [];
  const seen: { txid: number; at: number }[] = [];
  let maxTxid = 0;
  const done = (async () => {
    for (let i = 0; i < 20 * 60 * 10 && !signal.aborted; i++) {
      const at = epochNow();
      const local = await localTxid(dbPath);
      const dir = newestLineageDir(slug);
      if (local !== null && dir) {
        if (local > (seen.at(-1)?.txid ?? 0)) seen.push({ txid: local, at });
        maxTxid = Math.max(maxTxid, local);
        const replica = replicaTxid(dir);
        const behind = seen.find((s) => s.txid > replica);
        lagMs.push(behind ? at - behind.at : 0);
        while (seen.length > 1 && seen[0]!.txid <= replica) seen.shift();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { async stop() { await done; return { lagMs, maxTxid }; } };
}

// ---- the tenant and its load ----

function tenantTarget(slug: string): Promise<TenantTarget> {
  return signedInTarget(stack, session, slug);
}

interface Ack { readonly n: number; readonly at: number }

/** One row per write at a steady rate (not waiting for the previous), until stopped; acknowledged ones recorded. */
function steadyWrites(t: TenantTarget, table: string, first: number, outer: AbortSignal): { stop(): Promise<{ acks: Ack[]; sent: number; lastN: number }> } {
  const mine = new AbortController();
  const signal = AbortSignal.any([outer, mine.signal]);
  const acks: Ack[] = [];
  const inflight = new Set<Promise<void>>();
  let n = first;
  const loop = (async () => {
    const start = performance.now();
    for (let i = 0; i < RATE * 600 && !signal.aborted; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (signal.aborted) break;
      if (inflight.size >= 50) continue; // the instance is gone: do not pile up requests
      const my = n++;
      const p = appendRows(t, table, [{ n: my }], 5000).then((r) => {
        if (isOk(r)) acks.push({ n: my, at: r.endedAt });
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  })();
  return {
    async stop() {
      mine.abort();
      await loop;
      await Promise.all(inflight);
      return { acks, sent: n - first, lastN: n - 1 };
    },
  };
}

async function storedNs(t: TenantTarget, table: string, from: number): Promise<Set<number>> {
  const r = await runSql(t, `SELECT n FROM "${table}" WHERE n >= ${from}`, {}, 60_000);
  if (r.truncated) throw new Error('SQL result truncated: lower --rate or --seconds');
  return new Set(r.rows.map((row) => Number(row[0])));
}

/** Acknowledged writes not in the restored table, and how many seconds of acknowledged writes they span. */
function missingOf(acks: readonly Ack[], stored: Set<number>, until: number): { missing: number; seconds: number } {
  const missing = acks.filter((a) => !stored.has(a.n));
  if (missing.length === 0) return { missing: 0, seconds: 0 };
  return { missing: missing.length, seconds: (until - Math.min(...missing.map((a) => a.at))) / 1000 };
}

async function operatorRestore(slug: string): Promise<{ downtimeMs: number; totalMs: number }> {
  const res = await fetch(`${stack.cpUrl}/api/v1/tenants/${slug}/restore`, {
    method: 'POST', headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' }, body: '{}',
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`restore ${slug}: ${res.status} ${body.slice(0, 300)}`);
  return JSON.parse(body) as { downtimeMs: number; totalMs: number };
}

async function volumeMount(slug: string): Promise<string> {
  return docker('volume', 'inspect', '-f', '{{.Mountpoint}}', `berth-${stack.instance}-${slug}`);
}

/** Until the replica holds every transaction Litestream has read (the newest lineage). */
async function replicaLevel(slug: string, dbPath: string): Promise<void> {
  await waitFor(async () => {
    const local = await localTxid(dbPath);
    const dir = newestLineageDir(slug);
    return local !== null && local > 0 && dir !== null && replicaTxid(dir) >= local;
  }, { timeoutMs: 120_000, intervalMs: 100, what: `${slug}'s replica level with Litestream` });
}

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-restore-'));
let exitCode = 0;
const stopAll = new AbortController();
try {
  stack = await startStack({});
  stateDir = join(stack.dir, 'state');
  operatorToken = readFileSync(join(stateDir, 'operator.token'), 'utf8').trim();
  session = await signUp(stack, `restore-${stack.instance}@example.org`, 'correct horse battery staple');
  await createTenant(stack, session, SLUG);
  await waitUntilServing(stack, session, SLUG);
  let t = await tenantTarget(SLUG);
  await importCsv(t, 'notes', 'n\n0\n');
  const dbPath = join(await volumeMount(SLUG), 'tenant.db');
  await replicaLevel(SLUG, dbPath);

  // 1. Replication lag during a 1M-row import (upload, import, search index).
  const csvPath = join(dir, 'bench.csv');
  await generateBenchCsv(csvPath, ROWS);
  const csvBytes = statSync(csvPath).size;
  const lagStop = new AbortController();
  const lag = sampleLag(SLUG, dbPath, lagStop.signal);
  const up = await callTenant(t, '/api/uploads?name=bench.csv', {
    method: 'POST', bodyStream: createReadStream(csvPath), timeoutMs: 600_000,
    headers: { 'content-type': 'text/csv', 'content-length': String(csvBytes) },
  });
  if (!isOk(up)) throw new TenantCallError('upload', up);
  const job = await startImport(t, (JSON.parse(up.body) as { upload: { id: string } }).upload.id, 'bench');
  const tImport = performance.now();
  const imported = await waitForImport(t, job.id, 900_000);
  await waitForIndexing(t, job.id, 900_000);
  const importS = (performance.now() - tImport) / 1000;
  await replicaLevel(SLUG, dbPath);
  lagStop.abort();
  const lagRes = await lag.stop();
  const dbBytes = statSync(dbPath).size;
  const lagP50 = percentile(lagRes.lagMs, 50);
  const lagP99 = percentile(lagRes.lagMs, 99);
  const lagMax = Math.max(...lagRes.lagMs);
  console.log(`import of ${imported.rows} rows (${(csvBytes / 1e6).toFixed(1)} MB CSV) + search index: ${importS.toFixed(1)} s; database now ${(dbBytes / 1e6).toFixed(1)} MB, ${lagRes.maxTxid} Litestream transactions`);
  console.log(`replication lag during the import (${lagRes.lagMs.length} samples every 100 ms): p50 ${lagP50.toFixed(0)} ms, p99 ${lagP99.toFixed(0)} ms, max ${lagMax.toFixed(0)} ms (target p99 ≤ 2000 ms)`);

  // 2. Crash-style loss: writes at a steady rate, then the disk gone at one instant (every file
  // of the volume unlinked while the app writes: nothing more reaches Litestream), the
  // container killed and the volume removed. Only writes acknowledged before that instant count.
  const crashWrites = steadyWrites(t, 'notes', 1, stopAll.signal);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const mount = await volumeMount(SLUG);
  stack.controlPlane.signal('SIGSTOP');
  let tLoss = 0;
  try {
    tLoss = epochNow();
    for (const name of readdirSync(mount)) rmSync(join(mount, name), { recursive: true, force: true });
    const ids = (await docker('ps', '-aq', '--filter', `volume=berth-${stack.instance}-${SLUG}`)).split('\n').filter(Boolean);
    await docker('kill', ...ids);
    await docker('rm', '-f', ...ids);
    await docker('volume', 'rm', '-f', `berth-${stack.instance}-${SLUG}`);
  } finally {
    stack.controlPlane.signal('SIGCONT');
  }
  const crashAll = await crashWrites.stop();
  const crash = { ...crashAll, acks: crashAll.acks.filter((a) => a.at <= tLoss) };
  const restoreCrash = await operatorRestore(SLUG);
  t = await tenantTarget(SLUG);
  await waitFor(async () => isOk(await callTenant(t, '/api/tables/bench')), { timeoutMs: 60_000, intervalMs: 20, what: `${SLUG} serving after the restore` });
  const rtoS = (epochNow() - tLoss) / 1000;
  const crashMissing = missingOf(crash.acks, await storedNs(t, 'notes', 1), tLoss);
  console.log(`crash-style loss after ${SECONDS} s of writes at ${RATE}/s: ${crash.acks.length} acknowledged before the loss of ${crash.sent} sent; after restoring the latest point ${crashMissing.missing} acknowledged writes missing, spanning ${crashMissing.seconds.toFixed(2)} s (target ≤ 1 s)`);
  console.log(`RTO: volume gone → instance serving its restored ${(dbBytes / 1e6).toFixed(0)} MB database: ${rtoS.toFixed(2)} s (the restore call ${(restoreCrash.totalMs / 1000).toFixed(2)} s; target ≤ 10 s)`);

  // 3. One table of 1M rows restored by itself, beside the current one, as it is now.
  const newDbPath = join(await volumeMount(SLUG), 'tenant.db');
  await replicaLevel(SLUG, newDbPath);
  const at = new Date().toISOString();
  const tTable = performance.now();
  const tr = await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/${SLUG}/backups/restore-table`, {
    json: { table: 'bench', at, mode: 'beside' }, headers: { 'x-csrf-token': session.csrfToken }, timeoutMs: 600_000,
  });
  const tableS = (performance.now() - tTable) / 1000;
  if (tr.status !== 200) throw new Error(`restore-table: ${tr.status} ${tr.body.slice(0, 300)}`);
  const table = JSON.parse(tr.body) as { restoredAs: string; rows: number };
  const count = Number((await runSql(t, `SELECT count(*) FROM "${table.restoredAs}"`, {}, 60_000)).rows[0]![0]);
  console.log(`single-table restore of "bench" (${count} rows) beside the current one as "${table.restoredAs}": ${tableS.toFixed(2)} s (target ≤ 5 s)`);
  if (count !== imported.rows) {
    console.error(`FAIL: the restored table holds ${count} rows, not ${imported.rows}`);
    exitCode = 1;
  }

  // 4. Graceful: berth stops the instance itself (the restore's stop) while writes flow.
  await replicaLevel(SLUG, newDbPath);
  const first = crash.lastN + 1;
  const gracefulWrites = steadyWrites(t, 'notes', first, stopAll.signal);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const restoreGraceful = await operatorRestore(SLUG);
  const graceful = await gracefulWrites.stop();
  t = await tenantTarget(SLUG);
  const gracefulMissing = missingOf(graceful.acks, await storedNs(t, 'notes', first), Math.max(0, ...graceful.acks.map((a) => a.at)));
  console.log(`graceful stop (berth's own, while writing at ${RATE}/s), latest point restored: ${graceful.acks.length} acknowledged, ${gracefulMissing.missing} missing (target 0); instance down ${(restoreGraceful.downtimeMs / 1000).toFixed(2)} s`);

  const problems = [
    crashMissing.seconds > 1 && `crash-style loss: ${crashMissing.seconds.toFixed(2)} s of acknowledged writes missing (target ≤ 1 s)`,
    gracefulMissing.missing > 0 && `graceful stop: ${gracefulMissing.missing} acknowledged writes missing (target 0)`,
    rtoS > 10 && `RTO ${rtoS.toFixed(2)} s (target ≤ 10 s)`,
    tableS > 5 && `single-table restore ${tableS.toFixed(2)} s (target ≤ 5 s)`,
    lagP99 > 2000 && `lag p99 ${lagP99.toFixed(0)} ms (target ≤ 2000 ms)`,
  ].filter(Boolean);
  for (const p of problems) console.error(`TARGET MISSED: ${p}`);
  console.log(JSON.stringify({
    bench: 'restore',
    rows: imported.rows,
    db_mb: Number((dbBytes / 1e6).toFixed(1)),
    write_rate: RATE,
    crash_acked: crash.acks.length,
    crash_missing: crashMissing.missing,
    crash_missing_s: Number(crashMissing.seconds.toFixed(2)),
    graceful_acked: graceful.acks.length,
    graceful_missing: gracefulMissing.missing,
    rto_s: Number(rtoS.toFixed(2)),
    table_restore_s: Number(tableS.toFixed(2)),
    lag_p50_ms: Math.round(lagP50),
    lag_p99_ms: Math.round(lagP99),
    lag_max_ms: Math.round(lagMax),
    targets_met: problems.length === 0,
  }));
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  stopAll.abort();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
