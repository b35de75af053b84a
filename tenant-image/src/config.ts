// The only reader of process.env in the tenant app. Every setting is declared once as
// (name, default, help); the README's settings table is checked against this list by a test.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Kind = 'string' | 'int' | 'bool';
export interface SettingSpec {
  readonly name: string;
  readonly kind: Kind;
  readonly default: string;
  readonly help: string;
}

export const SETTINGS = [
  { name: 'PORT', kind: 'int', default: '8080', help: 'Port the app listens on.' },
  { name: 'HOST', kind: 'string', default: '0.0.0.0', help: 'Address the app binds (inside the container Traefik and the control plane reach it on the tenant network).' },
  { name: 'BERTH_DATA_DIR', kind: 'string', default: '/data', help: 'Volume holding tenant.db and uploads/.' },
  { name: 'BERTH_TENANT_NAME', kind: 'string', default: '', help: 'Name shown in the page header (default: first label of the Host header).' },
  { name: 'BERTH_CONTROL_PLANE_URL', kind: 'string', default: '', help: 'Where the "log in" link of the 401 page points (default: https://<Host without its first label>).' },
  { name: 'BERTH_VERSION', kind: 'string', default: '', help: 'Version reported by /__version__ (default: package.json version).' },
  { name: 'BERTH_COMMIT', kind: 'string', default: 'unknown', help: 'Commit reported by /__version__.' },
  { name: 'BERTH_IMAGE', kind: 'string', default: 'unknown', help: 'Image reference reported by /__version__.' },
  { name: 'BERTH_BUSY_TIMEOUT_MS', kind: 'int', default: '5000', help: 'SQLite busy timeout for every connection (>= 5000 so two app copies on one database wait instead of failing).' },
  { name: 'BERTH_MAX_UPLOAD_BYTES', kind: 'int', default: '2147483648', help: 'Largest CSV upload accepted (enforced while streaming).' },
  { name: 'BERTH_MAX_COLUMNS', kind: 'int', default: '1000', help: 'Most columns a CSV may have.' },
  { name: 'BERTH_MAX_FIELD_BYTES', kind: 'int', default: '1048576', help: 'Largest single CSV field.' },
  { name: 'BERTH_MAX_ROWS', kind: 'int', default: '0', help: 'Most data rows one CSV import may hold (0 = no limit).' },
  { name: 'BERTH_UPLOAD_TTL_S', kind: 'int', default: '86400', help: 'Uploads never committed or discarded are deleted at startup once older than this.' },
  { name: 'BERTH_SQL_TIME_LIMIT_MS', kind: 'int', default: '1000', help: 'Time limit of a read-only SQL query; the query process is killed when it passes.' },
  { name: 'BERTH_SQL_ROW_CAP', kind: 'int', default: '1000', help: 'Most rows a SQL query returns (also for query exports).' },
  { name: 'BERTH_SQL_IDLE_EXIT_S', kind: 'int', default: '60', help: 'The SQL query process exits after this long without queries (keeps idle memory low).' },
  { name: 'BERTH_PAGE_SIZE', kind: 'int', default: '50', help: 'Rows per page when browsing a table (API callers may ask for up to 1000).' },
  { name: 'BERTH_MAX_APPEND_ROWS', kind: 'int', default: '1000', help: 'Most rows one POST /api/tables/:t/rows may append.' },
  { name: 'BERTH_KEEP_ALIVE_TIMEOUT_MS', kind: 'int', default: '65000', help: "Idle keep-alive timeout; must stay above Traefik's idleConnTimeout (30 s) so Traefik closes first (F3)." },
  { name: 'BERTH_SHUTDOWN_GRACE_MS', kind: 'int', default: '25000', help: 'On SIGTERM, how long in-flight requests may take to finish before connections are cut.' },
  { name: 'BERTH_FAULT_DEFERRED_WRITES', kind: 'bool', default: 'false', help: "TEST-ONLY negative control for the rollout harness: busy_timeout 0 and deferred BEGIN that reads before writing, so concurrent writers get SQLITE_BUSY. Never set in production." },
  { name: 'BERTH_LOG_LEVEL', kind: 'string', default: 'info', help: 'Log level: debug, info, warn, error.' },
] as const satisfies readonly SettingSpec[];

export interface ImportLimits {
  readonly maxFileBytes: number;
  readonly maxColumns: number;
  readonly maxFieldBytes: number;
  readonly maxRows: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly dbPath: string;
  readonly uploadsDir: string;
  /** SQLite's temporary files (big sorts, GROUP BY) go to the volume: /tmp is a tiny tmpfs. */
  readonly sqliteTmpDir: string;
  readonly tenantName: string;
  readonly controlPlaneUrl: string;
  readonly version: string;
  readonly commit: string;
  readonly image: string;
  readonly busyTimeoutMs: number;
  readonly limits: ImportLimits;
  readonly uploadTtlS: number;
  readonly sqlTimeLimitMs: number;
  readonly sqlRowCap: number;
  readonly sqlIdleExitS: number;
  readonly pageSize: number;
  readonly maxAppendRows: number;
  readonly keepAliveTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly faultDeferredWrites: boolean;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Reads and validates every setting at once, listing every problem found. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const raw = (name: (typeof SETTINGS)[number]['name']): string => {
    const spec = SETTINGS.find((s) => s.name === name)!;
    return env[name] ?? spec.default;
  };
  const int = (name: (typeof SETTINGS)[number]['name'], min = 0): number => {
    const v = raw(name);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) problems.push(`${name}: expected an integer >= ${min}, got "${v}"`);
    return n;
  };
  const bool = (name: (typeof SETTINGS)[number]['name']): boolean => {
    const v = raw(name).toLowerCase();
    if (!['true', 'false', '1', '0'].includes(v)) problems.push(`${name}: expected true or false, got "${v}"`);
    return v === 'true' || v === '1';
  };
  const logLevel = raw('BERTH_LOG_LEVEL');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push(`BERTH_LOG_LEVEL: "${logLevel}" is not one of debug, info, warn, error`);
  const faultDeferredWrites = bool('BERTH_FAULT_DEFERRED_WRITES');
  const busyTimeoutMs = int('BERTH_BUSY_TIMEOUT_MS');
  if (!faultDeferredWrites && busyTimeoutMs < 5000) problems.push(`BERTH_BUSY_TIMEOUT_MS: must be >= 5000 (two app copies share the database during a rollout), got ${busyTimeoutMs}`);
  const keepAliveTimeoutMs = int('BERTH_KEEP_ALIVE_TIMEOUT_MS', 1000);
  if (keepAliveTimeoutMs <= 30_000) problems.push(`BERTH_KEEP_ALIVE_TIMEOUT_MS: must be above Traefik's idleConnTimeout of 30000, got ${keepAliveTimeoutMs}`);
  const dataDir = resolve(raw('BERTH_DATA_DIR'));
  const config: Config = {
    port: int('PORT'),
    host: raw('HOST'),
    dataDir,
    dbPath: join(dataDir, 'tenant.db'),
    uploadsDir: join(dataDir, 'uploads'),
    sqliteTmpDir: join(dataDir, 'tmp'),
    tenantName: raw('BERTH_TENANT_NAME'),
    controlPlaneUrl: raw('BERTH_CONTROL_PLANE_URL').replace(/\/$/, ''),
    version: raw('BERTH_VERSION') || readPackageVersion(),
    commit: raw('BERTH_COMMIT'),
    image: raw('BERTH_IMAGE'),
    busyTimeoutMs,
    limits: {
      maxFileBytes: int('BERTH_MAX_UPLOAD_BYTES', 1),
      maxColumns: int('BERTH_MAX_COLUMNS', 1),
      maxFieldBytes: int('BERTH_MAX_FIELD_BYTES', 1),
      maxRows: int('BERTH_MAX_ROWS'),
    },
    uploadTtlS: int('BERTH_UPLOAD_TTL_S', 60),
    sqlTimeLimitMs: int('BERTH_SQL_TIME_LIMIT_MS', 10),
    sqlRowCap: int('BERTH_SQL_ROW_CAP', 1),
    sqlIdleExitS: int('BERTH_SQL_IDLE_EXIT_S', 1),
    pageSize: int('BERTH_PAGE_SIZE', 1),
    maxAppendRows: int('BERTH_MAX_APPEND_ROWS', 1),
    keepAliveTimeoutMs,
    shutdownGraceMs: int('BERTH_SHUTDOWN_GRACE_MS', 0),
    faultDeferredWrites,
    logLevel,
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
