// ./berth bench import — the 1,000,000-row × 8-column CSV (about 100 MB, deterministic)
// imported through the HTTP upload path of ONE running tenant container, with type detection,
// against the sqlite3 CLI's `.import` of the same file into a typed table in the same run.
// The container gets the limits the control plane gives tenants (128 MiB, 2 CPUs, 64 pids)
// and is reached directly on its network with the identity headers ForwardAuth would add.
// With --replicate, the pinned Litestream replicates the container's database meanwhile, set up
// as the control plane sets it up for every tenant (bench-replication.ts): replication's cost.
// Figures, then one JSON line last.
//   node --import tsx e2e/bench/import.ts [--rows N] [--image berth/tenant:current] [--replicate]
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { generateBenchCsv, runSqliteCliBaseline } from '../../tenant-image/bench/import-core.js';
import { startStack } from '../src/stack.js';
import { docker } from '../src/docker-cli.js';
import { runTenantContainer } from '../src/load/direct-container.js';
import { callTenant } from '../src/load/tenant-target.js';
import { isOk } from '../src/load/http-call.js';
import { startImport, waitForImport, waitForIndexing, TenantCallError } from '../src/load/tenant-api.js';
import { nodePids, peakRssMiB, sampleContainerMemory } from '../src/load/container-memory.js';
import { probeLatency } from '../src/load/latency-probe.js';
import { percentile } from '../src/load/latency-stats.js';
import { replicateVolume, type BenchReplication } from './bench-replication.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    image: { type: 'string', default: process.env.BERTH_TENANT_IMAGE ?? 'berth/tenant:current' },
    replicate: { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const image = args.image!;

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-import-'));
const stack = await startStack({ controlPlane: false });
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
let exitCode = 0;
let replication: BenchReplication | undefined;
try {
  const csvPath = join(dir, 'bench.csv');
  await generateBenchCsv(csvPath, rows);
  const bytes = statSync(csvPath).size;
  console.log(`generated ${rows} rows × 8 columns, ${(bytes / 1e6).toFixed(1)} MB`);

  const label = `berth.instance=${stack.instance}`;
  await docker('network', 'create', '--label', label, '-o', 'com.docker.network.bridge.enable_icc=false', stack.network);
  await docker('volume', 'create', '--label', label, `${stack.network}-bench`);
  const c = await runTenantContainer({
    image, network: stack.network, volume: `${stack.network}-bench`, label, name: `${stack.network}-bench`,
    // The same limits the control plane gives a tenant by default (BERTH_TENANT_MEMORY_MIB, BERTH_TENANT_CPUS).
    memory: '128m', cpus: '2', agent,
  });
  const [appPid] = await nodePids(c.id);
  if (!appPid) throw new Error('no node process found in the tenant container');
  console.log(`tenant container ${c.id.slice(0, 12)} (${image}) at ${c.ip}, 128 MiB, 2 CPUs; app pid ${appPid} on the host`);
  if (args.replicate) {
    replication = await replicateVolume(`${stack.network}-bench`, dir);
    console.log(`replication on: Litestream replicating the tenant database into ${replication.replicaDir}`);
  }

  // The baseline runs right before and right after the import, and their mean is the one compared
  // with: this VM's speed drifts by ±20 % within a minute, and one run after the import made
  // the ratio swing with it (0.44-0.71 for the same code).
  const baselineBefore = runSqliteCliBaseline(csvPath);
  const memory = sampleContainerMemory(c.id, 100);
  const health = probeLatency(c.target, '/__heartbeat__', 20);
  const page = probeLatency(c.target, '/api/tables', 100);

  const t0 = performance.now();
  const up = await callTenant(c.target, `/api/uploads?name=bench.csv`, {
    method: 'POST', bodyStream: createReadStream(csvPath), timeoutMs: 600_000,
    headers: { 'content-type': 'text/csv', 'content-length': String(bytes) },
  });
  if (!isOk(up)) throw new TenantCallError('upload', up);
  const uploadId = (JSON.parse(up.body) as { upload: { id: string } }).upload.id;
  const t1 = performance.now();
  // No column types given: the import worker detects them over the first rows, then imports.
  const job = await startImport(c.target, uploadId, 'bench');
  const tStarted = performance.now();
  const done = await waitForImport(c.target, job.id, 600_000);
  const t2 = performance.now();

  // The peak of the import itself, then of the search index rebuild the worker does next.
  const peakRss = peakRssMiB(appPid);
  const tIndexStart = performance.now();
  await waitForIndexing(c.target, job.id);
  const indexS = (performance.now() - tIndexStart) / 1000;
  const peakRssWithIndex = peakRssMiB(appPid);
  const healthRes = await health.stop();
  const pageRes = await page.stop();
  const mem = await memory.stop();
  const info = await callTenant(c.target, '/api/tables/bench');
  if (!isOk(info)) throw new TenantCallError('table info', info);
  const table = JSON.parse(info.body) as { rows: number; columns: { name: string; declaredType: string }[] };
  const count = table.rows;
  const types = table.columns.map((col) => `${col.name}:${col.declaredType}`).join(' ');

  const baselineAfter = runSqliteCliBaseline(csvPath);
  const baselineSeconds = (baselineBefore.seconds + baselineAfter.seconds) / 2;
  const baseline = { seconds: baselineSeconds, rows: baselineAfter.rows, rowsPerS: baselineAfter.rows / baselineSeconds };
  const importS = (t2 - t1) / 1000;
  const uploadS = (t1 - t0) / 1000;
  const rowsPerS = done.rows / importS;
  const hs = [...healthRes.ms].sort((a, b) => a - b);
  const ps = [...pageRes.ms].sort((a, b) => a - b);
  console.log(`columns: ${types}`);
  console.log(`upload (stream to the volume): ${uploadS.toFixed(2)} s, ${(bytes / 1e6 / uploadS).toFixed(1)} MB/s`);
  const phases = (done as { result?: { phasesMs?: Record<string, number> } }).result?.phasesMs;
  console.log(`  of which type detection + start ${((tStarted - t1) / 1000).toFixed(2)} s, the import job ${((t2 - tStarted) / 1000).toFixed(2)} s${phases ? ` (${Object.entries(phases).map(([k, v]) => `${k} ${v} ms`).join(', ')})` : ''}`);
  console.log(`import with type detection: ${importS.toFixed(2)} s, ${Math.round(rowsPerS)} rows/s, ${(bytes / 1e6 / importS).toFixed(1)} MB/s (${done.rows} rows; table holds ${count})`);
  console.log(`end to end (upload + import): ${(uploadS + importS).toFixed(2)} s, ${Math.round(done.rows / (uploadS + importS))} rows/s`);
  console.log(`search index rebuilt (3 text columns) ${indexS.toFixed(2)} s after the import finished`);
  console.log(`memory: tenant process peak RSS (VmHWM) ${peakRss.toFixed(1)} MiB through the import, ${peakRssWithIndex.toFixed(1)} MiB once the search index is rebuilt; container anon memory peak ${mem.peakAnonMiB} MiB (cgroup memory.stat total_rss, ${mem.samples} samples every 100 ms); cgroup max usage incl. page cache ${mem.maxUsageMiB} MiB`);
  console.log(`/__heartbeat__ during upload, import and index rebuild: ${hs.length} answers, ${healthRes.failed} failed, p50 ${percentile(hs, 50).toFixed(1)} ms, p99 ${percentile(hs, 99).toFixed(1)} ms, max ${(hs[hs.length - 1] ?? 0).toFixed(1)} ms (target p99 < 100 ms)`);
  console.log(`/api/tables during upload, import and index rebuild: ${ps.length} answers, ${pageRes.failed} failed, p50 ${percentile(ps, 50).toFixed(1)} ms, p99 ${percentile(ps, 99).toFixed(1)} ms`);
  console.log(`sqlite3 CLI .import (typed table, same file): ${baselineBefore.seconds.toFixed(2)} s before the import, ${baselineAfter.seconds.toFixed(2)} s after; mean ${baseline.seconds.toFixed(2)} s, ${Math.round(baseline.rowsPerS)} rows/s (${baseline.rows} rows)`);
  if (replication) console.log(`replicated meanwhile: ${((await replication.replicatedBytes()) / 1e6).toFixed(1)} MB in the replica`);
  const ratio = rowsPerS / baseline.rowsPerS;
  console.log(`ratio ${ratio.toFixed(2)} (target ≥ 0.5, ≥ 150000 rows/s, peak RSS ≤ 100 MiB)`);
  if (count !== rows || done.rows !== rows) {
    console.error(`FAIL: expected ${rows} rows, the import reported ${done.rows} and the table holds ${count}`);
    exitCode = 1;
  }
  if (healthRes.failed > 0) {
    console.error(`FAIL: ${healthRes.failed} health checks failed during the import`);
    exitCode = 1;
  }
  console.log(JSON.stringify({
    bench: 'import',
    rows: done.rows,
    rows_per_s: Math.round(rowsPerS),
    mb_per_s: Number((bytes / 1e6 / importS).toFixed(1)),
    peak_rss_mib: Number(peakRss.toFixed(1)),
    baseline_rows_per_s: Math.round(baseline.rowsPerS),
    ratio: Number(ratio.toFixed(2)),
    replicated: Boolean(replication),
  }));
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await replication?.stop();
  agent.destroy();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
