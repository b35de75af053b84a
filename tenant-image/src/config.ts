// The only reader of process.env in the tenant app. Every setting is declared once as
// (name, kind, default, help) and parsed by its kind (@berth/common/settings); the README's
// settings table is checked against this list by a test.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '@berth/common/logger';
import { ConfigError, readSettings, type SettingSpec } from '@berth/common/settings';
import type { ImportLimits } from './csv-import/import-plan.js';

export { ConfigError };

export const SETTINGS = [
  { name: 'PORT', kind: 'int', default: '8080', help: 'Port the app listens on.' },
  { name: 'HOST', kind: 'string', default: '0.0.0.0', help: 'Address the app binds (inside the container Traefik and the control plane reach it on the tenant network).' },
  { name: 'BERTH_DATA_DIR', kind: 'path', default: '/data', help: 'Volume holding tenant.db and uploads/.' },
  { name: 'BERTH_TENANT_SLUG', kind: 'string', default: '', help: 'The tenant this container serves (set by the control plane); every log line carries it as `tenant`.' },
  { name: 'BERTH_TENANT_NAME', kind: 'string', default: '', help: 'Name shown in the page header (default: first label of the Host header).' },
  { name: 'BERTH_CONTROL_PLANE_URL', kind: 'url', default: '', help: 'Where the "log in" link of the 401 page points (default: https://<Host without its first label>).' },
  { name: 'BERTH_VERSION', kind: 'string', default: '', help: 'Version reported by /__version__ (default: package.json version).' },
  { name: 'BERTH_COMMIT', kind: 'string', default: 'unknown', help: 'Commit reported by /__version__.' },
  { name: 'BERTH_IMAGE', kind: 'string', default: 'unknown', help: 'Image reference reported by /__version__.' },
  { name: 'BERTH_BUSY_TIMEOUT_MS', kind: 'int', default: '5000', help: 'SQLite busy timeout for every connection (>= 5000 so two app copies on one database wait instead of failing).' },
  { name: 'BERTH_MAX_UPLOAD_BYTES', kind: 'int', min: 1, default: '2147483648', help: 'Largest CSV upload accepted (enforced while streaming).' },
  { name: 'BERTH_MAX_COLUMNS', kind: 'int', min: 1, default: '1000', help: 'Most columns a CSV may have.' },
  { name: 'BERTH_MAX_FIELD_BYTES', kind: 'int', min: 1, default: '1048576', help: 'Largest single CSV field.' },
  { name: 'BERTH_MAX_ROWS', kind: 'int', default: '0', help: 'Most data rows one CSV import may hold (0 = no limit).' },
  { name: 'BERTH_UPLOAD_TTL_S', kind: 'int', min: 60, default: '86400', help: 'Uploads never committed or discarded are deleted once older than this (at startup and by a sweep every BERTH_UPLOAD_SWEEP_INTERVAL_S while the app runs).' },
  { name: 'BERTH_UPLOAD_SWEEP_INTERVAL_S', kind: 'int', min: 1, default: '600', help: 'Period of the sweep that deletes abandoned uploads (older than BERTH_UPLOAD_TTL_S) while the app runs.' },
  { name: 'BERTH_MAX_DATA_MIB', kind: 'int', min: 1, default: '4096', help: "Disk this instance may fill with uploads and its database together (tenant.db with its -wal and -shm). An upload that would pass it is refused before (Content-Length) or while it streams, an import that needs more room is refused before it starts and stopped while it runs, with DATA_LIMIT (413). The control plane sets it from BERTH_TENANT_DATA_LIMIT_MIB." },
  { name: 'BERTH_MAX_UPLOADS_IN_FLIGHT', kind: 'int', min: 1, default: '2', help: 'Uploads this app copy receives at once; more are refused with TOO_MANY_UPLOADS (429). The control plane sets it from BERTH_TENANT_UPLOADS_IN_FLIGHT.' },
  { name: 'BERTH_SQL_TIME_LIMIT_MS', kind: 'int', min: 10, default: '1000', help: 'Time limit of a read-only SQL query; the query process is killed when it passes.' },
  { name: 'BERTH_SQL_ROW_CAP', kind: 'int', min: 1, default: '1000', help: 'Most rows a SQL query returns (also for query exports).' },
  { name: 'BERTH_SQL_IDLE_EXIT_S', kind: 'int', min: 1, default: '60', help: 'The SQL query process exits after this long without queries (keeps idle memory low).' },
  { name: 'BERTH_PAGE_SIZE', kind: 'int', min: 1, default: '50', help: 'Rows per page when browsing a table (API callers may ask for up to 1000).' },
  { name: 'BERTH_MAX_APPEND_ROWS', kind: 'int', min: 1, default: '1000', help: 'Most rows one POST /api/tables/:t/rows may append.' },
  { name: 'BERTH_KEEP_ALIVE_TIMEOUT_MS', kind: 'int', min: 1000, default: '65000', help: "Idle keep-alive timeout; must stay above Traefik's idleConnTimeout (30 s) so Traefik closes first (F3)." },
  { name: 'BERTH_SHUTDOWN_GRACE_MS', kind: 'int', default: '25000', help: 'On SIGTERM, how long in-flight requests may take to finish before connections are cut.' },
  { name: 'BERTH_FAULT_DEFERRED_WRITES', kind: 'bool', default: 'false', help: "TEST-ONLY negative control for the rollout harness: busy_timeout 0 and deferred BEGIN that reads before writing, so concurrent writers get SQLITE_BUSY. Never set in production." },
  { name: 'BERTH_LOG_LEVEL', kind: 'enum', values: LOG_LEVELS, default: 'info', help: 'Log level: debug, info, warn, error.' },
] as const satisfies readonly SettingSpec[];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly dbPath: string;
  readonly uploadsDir: string;
  /** SQLite's temporary files (big sorts, GROUP BY) go to the volume: /tmp is a tiny tmpfs. */
  readonly sqliteTmpDir: string;
  readonly tenantSlug: string;
  readonly tenantName: string;
  readonly controlPlaneUrl: string;
  readonly version: string;
  readonly commit: string;
  readonly image: string;
  readonly busyTimeoutMs: number;
  readonly limits: ImportLimits;
  readonly uploadTtlS: number;
  readonly uploadSweepIntervalS: number;
  readonly maxDataBytes: number;
  readonly maxUploadsInFlight: number;
  readonly sqlTimeLimitMs: number;
  readonly sqlRowCap: number;
  readonly sqlIdleExitS: number;
  readonly pageSize: number;
  readonly maxAppendRows: number;
  readonly keepAliveTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly faultDeferredWrites: boolean;
  readonly logLevel: LogLevel;
}

/** Reads and validates every setting at once, listing every problem found. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const v = readSettings(SETTINGS, env, problems);
  const faultDeferredWrites = v.BERTH_FAULT_DEFERRED_WRITES;
  const busyTimeoutMs = v.BERTH_BUSY_TIMEOUT_MS;
  if (!faultDeferredWrites && busyTimeoutMs < 5000) problems.push(`BERTH_BUSY_TIMEOUT_MS: must be >= 5000 (two app copies share the database during a rollout), got ${busyTimeoutMs}`);
  const keepAliveTimeoutMs = v.BERTH_KEEP_ALIVE_TIMEOUT_MS;
  if (keepAliveTimeoutMs <= 30_000) problems.push(`BERTH_KEEP_ALIVE_TIMEOUT_MS: must be above Traefik's idleConnTimeout of 30000, got ${keepAliveTimeoutMs}`);
  const dataDir = resolve(v.BERTH_DATA_DIR);
  const config: Config = {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    dbPath: join(dataDir, 'tenant.db'),
    uploadsDir: join(dataDir, 'uploads'),
    sqliteTmpDir: join(dataDir, 'tmp'),
    tenantSlug: v.BERTH_TENANT_SLUG,
    tenantName: v.BERTH_TENANT_NAME,
    controlPlaneUrl: v.BERTH_CONTROL_PLANE_URL.replace(/\/$/, ''),
    version: v.BERTH_VERSION || readPackageVersion(),
    commit: v.BERTH_COMMIT,
    image: v.BERTH_IMAGE,
    busyTimeoutMs,
    limits: {
      maxFileBytes: v.BERTH_MAX_UPLOAD_BYTES,
      maxColumns: v.BERTH_MAX_COLUMNS,
      maxFieldBytes: v.BERTH_MAX_FIELD_BYTES,
      maxRows: v.BERTH_MAX_ROWS,
    },
    uploadTtlS: v.BERTH_UPLOAD_TTL_S,
    uploadSweepIntervalS: v.BERTH_UPLOAD_SWEEP_INTERVAL_S,
    maxDataBytes: v.BERTH_MAX_DATA_MIB * 1024 * 1024,
    maxUploadsInFlight: v.BERTH_MAX_UPLOADS_IN_FLIGHT,
    sqlTimeLimitMs: v.BERTH_SQL_TIME_LIMIT_MS,
    sqlRowCap: v.BERTH_SQL_ROW_CAP,
    sqlIdleExitS: v.BERTH_SQL_IDLE_EXIT_S,
    pageSize: v.BERTH_PAGE_SIZE,
    maxAppendRows: v.BERTH_MAX_APPEND_ROWS,
    keepAliveTimeoutMs,
    shutdownGraceMs: v.BERTH_SHUTDOWN_GRACE_MS,
    faultDeferredWrites,
    logLevel: v.BERTH_LOG_LEVEL,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    // The image may ship dist/ without package.json; BERTH_VERSION is then the source of truth.
    return '0.0.0';
  }
}
