// Import benchmark core: 1,000,000 rows × 8 columns (~86 MB) of deterministic mixed data, imported
// with type detection through the same worker the app uses, against the sqlite3 CLI's `.import`
// of the same file into a pre-typed table, in the same run. Prints figures, then one JSON line.
//   node --import tsx tenant-image/bench/import-core.ts [rows] [node flags, default --max-opt=2 --optimize-for-size as in the image]
// The measured import runs in a child process so its peak RSS (VmHWM) is the import's alone, not
// the generator's, and runs compiled JavaScript, as in the container: tsx's loader would add ~30 MiB
// per thread that production never pays. generateBenchCsv() and runSqliteCliBaseline() are
// reused by `berth bench import`.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db/open-database.js';
import { DEFAULT_LIMITS } from '../src/csv-import/import-plan.js';
import { previewCsv } from '../src/csv-import/preview.js';
import { readCsv } from '../src/csv-import/read-csv.js';
import { runImportInWorker } from '../src/csv-import/run-import-in-worker.js';
import { seededRandom } from './seeded-random.js';

export const BENCH_TABLE_SQL =
  'CREATE TABLE bench (id INTEGER, code TEXT, name TEXT, price REAL, qty INTEGER, date DATE, datetime DATETIME, category TEXT)';

const NAMES = ['Alice Smith', 'Bob Jones', 'Carla Gómez', 'Dieter Müller', 'Eve "Evil" Adams', 'Frank, Jr.', 'Grace Hopper', 'Heidi Klum'];
const CATEGORIES = ['books', 'garden', 'toys', 'tools', 'food', 'music'];

/** Writes the benchmark CSV: same bytes for the same row count (xorshift32, fixed seed). */
export async function generateBenchCsv(path: string, rows: number): Promise<void> {
  const rnd = seededRandom(0x12345678);
  const two = (n: number): string => String(n).padStart(2, '0');
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buf = 'id,code,name,price,qty,date,datetime,category\n';
  for (let i = 1; i <= rows; i++) {
    const name = `${NAMES[rnd(NAMES.length)]} ${i % 997}`;
    const quoted = /[",]/.test(name) ? `"${name.replaceAll('"', '""')}"` : name;
    const date = `20${10 + rnd(15)}-${two(1 + rnd(12))}-${two(1 + rnd(28))}`;
    const time = `${two(rnd(24))}:${two(rnd(60))}:${two(rnd(60))}`;
    const qty = i % 50 === 0 ? '' : String(rnd(500));
    const price = `${rnd(1000)}.${two(rnd(100))}`;
    buf += `${i},${String(rnd(100000)).padStart(6, '0')},${quoted},${price},${qty},${date},${date}T${time},${CATEGORIES[rnd(CATEGORIES.length)]} item ${i % 13}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

export interface BaselineResult {
  seconds: number;
  rows: number;
  rowsPerS: number;
}

/** Times `sqlite3 .import` of the CSV into a table pre-created by `createSql` (default: the bench schema). */
export function runSqliteCliBaseline(csvPath: string, createSql = BENCH_TABLE_SQL, table = 'bench'): BaselineResult {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-cli-'));
  try {
    const dbPath = join(dir, 'baseline.db');
    const script = `${createSql};\n.import --csv --skip 1 '${csvPath.replaceAll("'", "''")}' ${table}\n`;
    const started = performance.now();
    const res = spawnSync('sqlite3', [dbPath], { input: script, encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (res.status !== 0) throw new Error(`sqlite3 .import failed: ${res.stderr || res.error}`);
    const count = spawnSync('sqlite3', [dbPath, `SELECT count(*) FROM ${table}`], { encoding: 'utf8' });
    const rows = Number(count.stdout.trim());
    return { seconds, rows, rowsPerS: rows / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ImportMeasurement {
  rows: number;
  previewSeconds: number;
  importSeconds: number;
  peakRssMiB: number;
  /** User + system CPU of the whole process (both threads); steadier than wall time on a busy host. */
  cpuSeconds: number;
  /** CPU seconds of the busiest threads during the import (sampled from /proc), busiest first. */
  threadCpuSeconds: number[];
  columnTypes: string[];
}

/** Preview (type detection) + import in the app's worker, in this process; peak RSS from VmHWM. */
export async function measureImport(csvPath: string): Promise<ImportMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-import-'));
  try {
    const dbPath = join(dir, 'tenant.db');
    openDatabase(dbPath, { busyTimeoutMs: 5000 }).close();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const preview = await previewCsv(csvPath, { fileName: 'bench.csv' });
    const t1 = performance.now();
    const threads = sampleThreadCpu();
    const handle = runImportInWorker(dbPath, csvPath, { ...preview.plan, table: 'bench' }, { fileName: 'bench.csv', rebuildSearchIndex: false });
    const result = await handle.promise.finally(() => threads.stop());
    const t2 = performance.now();
    return {
      rows: result.rows,
      previewSeconds: (t1 - t0) / 1000,
      importSeconds: (t2 - t1) / 1000,
      peakRssMiB: readPeakRssMiB(),
      cpuSeconds: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpu0)),
      threadCpuSeconds: threads.busiest(4),
      columnTypes: preview.columns.map((c) => `${c.name}:${c.type}`),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ParseMeasurement {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

/** The parsing floor: read → decode → csv-parse with a sink that only counts, no types, no SQLite. */
export async function measureParseOnly(csvPath: string): Promise<ParseMeasurement> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  await readCsv(csvPath, { encoding: 'utf-8', delimiter: ',', limits: DEFAULT_LIMITS }, () => {
    rows++;
  });
  return {
    rows: rows - 1,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpu0)),
    peakRssMiB: readPeakRssMiB(),
  };
}

/**
 * Samples every thread's CPU time (utime + stime in /proc/self/task/<tid>/stat) every 100 ms, so
 * the workers' share is known after they exit. On a busy host this says what wall time cannot:
 * the busiest thread's CPU is the import's critical path when the two threads overlap.
 */
function sampleThreadCpu(): { stop(): void; busiest(n: number): number[] } {
  const ticksPerSecond = 100;
  const last = new Map<string, number>();
  const sample = (): void => {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        last.set(tid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
      } catch {
        // The thread exited between readdir and read; its last sample stands.
      }
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      sample();
      clearInterval(timer);
    },
    busiest: (n) => [...last.values()].sort((a, b) => b - a).slice(0, n),
  };
}

function readPeakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Compiles this file and the import module with tsc into tenant-image/node_modules/.cache; returns
 * the bench entry. The output sits under tenant-image/ so that `@berth/common` (linked only in
 * tenant-image/node_modules) resolves from it, to common's dist (built here first) through the
 * berth-compiled condition the measurement runs with. import-worker.ts is listed because nothing
 * imports it (it is a thread entry), so tsc would not emit it by following imports.
 */
function compileForMeasurement(): string {
  const tenantDir = fileURLToPath(new URL('..', import.meta.url));
  const outDir = fileURLToPath(new URL('../node_modules/.cache/berth-bench-import', import.meta.url));
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const common = spawnSync(process.execPath, [tsc, '-p', fileURLToPath(new URL('../../common/tsconfig.json', import.meta.url))], { encoding: 'utf8' });
  if (common.status !== 0) throw new Error(`tsc (common) failed:\n${common.stdout}${common.stderr}`);
  const args = [tsc, '--outDir', outDir, '--rootDir', tenantDir, '--module', 'NodeNext', '--moduleResolution', 'NodeNext'];
  args.push('--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node', fileURLToPath(import.meta.url));
  args.push(fileURLToPath(new URL('../src/csv-import/import-worker.ts', import.meta.url)));
  const res = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`tsc failed:\n${res.stdout}${res.stderr}`);
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  return join(outDir, 'bench', 'import-core.js');
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') {
    process.stdout.write(JSON.stringify(await measureImport(process.argv[3]!)));
    return;
  }
  if (process.argv[2] === '--measure-parse') {
    process.stdout.write(JSON.stringify(await measureParseOnly(process.argv[3]!)));
    return;
  }
  const rows = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  try {
    const csvPath = join(dir, 'bench.csv');
    await generateBenchCsv(csvPath, rows);
    const bytes = statSync(csvPath).size;
    console.log(`generated ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB`);
    const entry = compileForMeasurement();
    const loadBefore = loadavg()[0]!;
    const m = runMeasurement<ImportMeasurement>(entry, '--measure', csvPath);
    const seconds = m.previewSeconds + m.importSeconds;
    const baseline = runSqliteCliBaseline(csvPath);
    const parse = runMeasurement<ParseMeasurement>(entry, '--measure-parse', csvPath);
    const loadAfter = loadavg()[0]!;
    const rowsPerS = m.rows / seconds;
    console.log(`columns: ${m.columnTypes.join(' ')}`);
    console.log(`berth import: preview ${m.previewSeconds.toFixed(2)} s + import ${m.importSeconds.toFixed(2)} s = ${seconds.toFixed(2)} s`);
    console.log(`  ${Math.round(rowsPerS)} rows/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s, peak RSS ${m.peakRssMiB.toFixed(1)} MiB, CPU ${m.cpuSeconds.toFixed(2)} s`);
    console.log(`  busiest threads during the import (CPU s): ${m.threadCpuSeconds.map((c) => c.toFixed(2)).join(', ')}`);
    console.log(`sqlite3 CLI .import: ${baseline.seconds.toFixed(2)} s, ${Math.round(baseline.rowsPerS)} rows/s (${baseline.rows} rows)`);
    console.log(
      `csv-parse only (read + decode + parse, no types or SQLite): ${parse.seconds.toFixed(2)} s, ${Math.round(parse.rows / parse.seconds)} rows/s, CPU ${parse.cpuSeconds.toFixed(2)} s, peak RSS ${parse.peakRssMiB.toFixed(1)} MiB`,
    );
    console.log(`node ${process.version} ${BENCH_NODE_FLAGS.join(' ')}`);
    console.log(`load average (1 min): ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${availableParallelism()} CPUs`);
    const summary = {
      bench: 'import',
      rows: m.rows,
      rows_per_s: Math.round(rowsPerS),
      mb_per_s: Number((bytes / 1e6 / seconds).toFixed(1)),
      peak_rss_mib: Number(m.peakRssMiB.toFixed(1)),
      baseline_rows_per_s: Math.round(baseline.rowsPerS),
      ratio: Number((rowsPerS / baseline.rowsPerS).toFixed(2)),
      cpu_s: Number(m.cpuSeconds.toFixed(2)),
      busiest_thread_cpu_s: Number((m.threadCpuSeconds[0] ?? 0).toFixed(2)),
      parse_only_rows_per_s: Math.round(parse.rows / parse.seconds),
      parse_only_cpu_s: Number(parse.cpuSeconds.toFixed(2)),
      load_avg_1m: Number(loadAfter.toFixed(1)),
    };
    console.log(JSON.stringify(summary));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * V8 flags of the measured child: the image's CMD runs `node --max-opt=2 --optimize-for-size`
 * (tenant-image/Dockerfile), so that is the default, with the image's one malloc arena; flags after the row count replace it (e.g. `--maglev` to compare).
 */
const BENCH_NODE_FLAGS = process.argv.length > 3 && !process.argv[2]!.startsWith('--measure') ? process.argv.slice(3) : ['--max-opt=2', '--optimize-for-size'];

function runMeasurement<T>(entry: string, mode: string, csvPath: string): T {
  const child = spawnSync(process.execPath, ['--conditions=berth-compiled', ...BENCH_NODE_FLAGS, entry, mode, csvPath], {
    encoding: 'utf8',
    env: { ...process.env, MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '65536' },
  });
  if (child.status !== 0) throw new Error(`${mode} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
