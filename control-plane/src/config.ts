// The only reader of process.env in the control plane. Every setting is declared once as
// (name, kind, default, help) and parsed by its kind (@berth/common/settings); the table is
// rendered into the README and checked by a test.
import { resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '@berth/common/logger';
import { ConfigError, readSettings, type SettingSpec } from '@berth/common/settings';

export { ConfigError };

export const SETTINGS = [
  { name: 'BERTH_DOMAIN', kind: 'string', default: 'berth.localhost', help: 'Base domain; tenants live at <slug>.<domain>, the control plane at the domain itself.' },
  { name: 'BERTH_PUBLIC_HTTPS_PORT', kind: 'int', min: 1, default: '443', help: "Port of Traefik's websecure entrypoint, used to build public URLs." },
  { name: 'BERTH_HTTP_HOST', kind: 'string', default: '127.0.0.1', help: 'Address the control plane binds; keep it on loopback so tenants cannot reach it.' },
  { name: 'BERTH_HTTP_PORT', kind: 'int', default: '8088', help: 'Port the control plane listens on (Traefik forwards the control-plane host and ForwardAuth here).' },
  { name: 'BERTH_CP_AUTH_PORT', kind: 'int', min: 0, default: '0', help: "Port of Traefik's loopback cpauth entrypoint (render-traefik-config.sh's last argument): ForwardAuth calls it, and Traefik balances it over every live control-plane web process. 0: ForwardAuth calls the lease holder's own port (a Traefik without that entrypoint)." },
  { name: 'BERTH_DRAIN_MS', kind: 'int', min: 0, default: '1500', help: "On SIGTERM the process answers /__lbheartbeat__ 503 and leaves Traefik's control-plane service for this long before it stops accepting: longer than Traefik's 1 s health-check interval, so no new request reaches a closing process." },
  { name: 'BERTH_STATE_DIR', kind: 'path', default: '/var/lib/berth', help: "Directory for the control plane's SQLite database and other state." },
  { name: 'BERTH_ROUTES_DIR', kind: 'path', default: '', help: "Traefik's watched dynamic-configuration directory (default <state>/routes)." },
  { name: 'BERTH_TRAEFIK_API_URL', kind: 'url', default: 'http://127.0.0.1:8099', help: "Traefik's internal API entrypoint, used to confirm applied routes." },
  { name: 'BERTH_DOCKER_SOCKET', kind: 'path', default: '/var/run/docker.sock', help: 'Docker Engine API socket.' },
  { name: 'BERTH_INSTANCE', kind: 'string', default: 'default', help: 'Name of this berth installation; written into every ownership label so two installations never touch each other.' },
  { name: 'BERTH_NETWORK', kind: 'string', default: 'berth-tenants', help: 'Docker bridge network for tenant containers (inter-container traffic disabled).' },
  { name: 'BERTH_TENANT_IMAGE', kind: 'string', default: 'berth/tenant:current', help: 'Image new tenants are created with.' },
  { name: 'BERTH_TENANT_MEMORY_MIB', kind: 'int', min: 16, default: '128', help: 'Memory limit per tenant container.' },
  { name: 'BERTH_TENANT_CPUS', kind: 'number', default: '2', help: 'CPU limit per tenant container (cores). Two lets an import worker and the request thread run at once, so pages and health checks stay fast during a big import.' },
  { name: 'BERTH_TENANT_PIDS', kind: 'int', min: 8, default: '64', help: 'Process/thread limit per tenant container.' },
  { name: 'BERTH_TENANT_EGRESS', kind: 'enum', values: ['none', 'public'], default: 'none', help: 'What tenant containers may connect to: none (nothing; the tenant app needs no outbound connection) or public (public IPv4 addresses only). Either way the host (every port, through any of its addresses), private and shared ranges (10/8, 172.16/12, 192.168/16, 100.64/10), link-local (169.254/16, cloud metadata included) and every IPv6 destination are refused; replies to the control plane and Traefik pass. Rules live in iptables chains BERTH-EGRESS-<instance> and BERTH-HOST-<instance>; see SECURITY.md.' },
  // Every change berth makes or Docker reports wakes the reconciler at once (writes, the event
  // stream, the prober); the periodic pass only catches what nothing reports (a route file edited
  // by hand). It used to list every container, asleep ones included (when they were made from a
  // tag dockerd rebuilt each one's image record to answer: ~0.35 ms of its CPU per registered
  // container, 0.7 s at 2,000, which every 30 s was most of dockerd's idle CPU); containers are
  // now listed in full every BERTH_DOCKER_RESYNC_MS, and only what changed in between.
  { name: 'BERTH_RECONCILE_INTERVAL_MS', kind: 'int', min: 100, default: '300000', help: 'Period of the full reconcile resync (writes, Docker events and readiness changes wake it at once; this catches what nothing reports).' },
  { name: 'BERTH_DOCKER_RESYNC_MS', kind: 'int', min: 1000, default: '300000', help: "Period of the reconciler's full list of every container (reconcile/container-view.ts); between them it asks Docker only about the containers its events and berth's own writes name (a full list costs dockerd ~0.07 ms of CPU per container, 0.7 s at 10,000 registered instances). Also listed in full whenever the event stream is subscribed again." },
  { name: 'BERTH_PROBE_INTERVAL_MS', kind: 'int', min: 100, default: '10000', help: "Period of the HTTP liveness probe of every running tenant container (a crash is seen at once through Docker's event stream; this catches hangs). 10 s, Kubernetes' default readiness period: at 200 running tenants a probe every 5 s was ~1 % of a core between the control plane and the kernel's network stack." },
  { name: 'BERTH_READY_TIMEOUT_MS', kind: 'int', min: 100, default: '30000', help: 'How long a new container may take to pass its readiness probe.' },
  { name: 'BERTH_HIBERNATE_AFTER_S', kind: 'int', min: 0, default: '900', help: "An instance with no authenticated request for this long and no import running is hibernated: its container stops (kept, with its volume) and its route leaves Traefik; its next signed-in or token request wakes it. 0 never hibernates." },
  { name: 'BERTH_STOP_GRACE_S', kind: 'int', min: 1, default: '30', help: 'Grace period given to a container to finish in-flight requests when stopped.' },
  { name: 'BERTH_VOLUME_RETENTION_HOURS', kind: 'int', default: '168', help: "How long a deleted tenant's volume is kept before it is removed." },
  { name: 'BERTH_ROLLOUT_PARALLEL', kind: 'int', min: 1, default: '2', help: 'Default number of tenants rolled at once.' },
  { name: 'BERTH_SNAPSHOTS_KEPT', kind: 'int', min: 1, default: '3', help: 'Database snapshots (VACUUM INTO) kept per tenant volume before a rollout.' },
  { name: 'BERTH_SECURE_COOKIES', kind: 'bool', default: 'true', help: 'Mark cookies Secure (they are served over HTTPS by Traefik) and name them with the __Host- prefix, so no sibling subdomain can set or shadow them; false (no HTTPS, development only) uses plain names.' },
  { name: 'BERTH_LOG_LEVEL', kind: 'enum', values: LOG_LEVELS, default: 'info', help: 'Log level: debug, info, warn, error.' },
  { name: 'BERTH_LOG_FILE', kind: 'path', default: '', help: 'File the control plane writes its log to, rotated in-process at BERTH_LOG_MAX_MIB (default: standard output). ./berth up sets <log dir>/control-plane.log.' },
  { name: 'BERTH_LOG_MAX_MIB', kind: 'int', min: 1, default: '20', help: 'Size at which BERTH_LOG_FILE is rotated to <file>.1 (older files shift to .2, .3, ...).' },
  { name: 'BERTH_LOG_FILES_KEPT', kind: 'int', default: '5', help: 'Rotated log files kept beside BERTH_LOG_FILE; the oldest beyond this are deleted.' },
  { name: 'BERTH_EXTRA_LABELS', kind: 'string', default: '', help: 'Extra labels (k=v, comma-separated) put on every container, volume and network berth creates; tests use it for exact cleanup.' },
  { name: 'BERTH_RESOURCE_SAMPLE_INTERVAL_MS', kind: 'int', min: 1000, default: '300000', help: "Period of sampling every tenant container's CPU, memory and volume size for the admin page's 24-hour charts and /metrics (one stats call per container, spread over the period)." },
  { name: 'BERTH_TENANT_NODE_OPTIONS', kind: 'string', default: '', help: 'NODE_OPTIONS given to tenant containers (e.g. heap limits that lower idle memory); part of the spec hash.' },
  { name: 'BERTH_ROLLOUT_SETTLE_MS', kind: 'int', default: '300', help: "Pause after Traefik's API confirms an old container left a route, before it is drained (lets requests Traefik already picked finish arriving)." },
  { name: 'BERTH_ROLLOUT_STEP_TIMEOUT_MS', kind: 'int', min: 100, default: '15000', help: 'Deadline of each polled rollout step that waits on Traefik (route applied, probe through Traefik).' },
  { name: 'BERTH_MAX_INSTANCES_PER_ACCOUNT', kind: 'int', min: 0, default: '3', help: 'Instances one account may own at once (deleted ones do not count); one more is refused with 409 INSTANCE_LIMIT naming the limit. Admins are held to it too. 0: no limit. The default fits a small host: each instance may use 128 MiB and 2 CPUs.' },
  { name: 'BERTH_MIN_FREE_DISK_MIB', kind: 'int', min: 0, default: '512', help: "Sign-ups and instance creation are refused with 503 DISK_FULL while the state directory's filesystem has less free space than this, so the control plane's own writes never hit a full disk; the loopback /__heartbeat__ reports the free space. 0: no check." },
  { name: 'BERTH_SIGNUP_LIMIT_PER_ADDRESS', kind: 'int', min: 1, default: '10', help: 'Sign-ups allowed per client address (as Traefik reports it in X-Forwarded-For) within BERTH_SIGNUP_LIMIT_WINDOW_MINUTES; more answer 429 with Retry-After. Every sign-up that passes validation counts, whether it creates an account or finds the email taken. Benchmarks that sign up many users from loopback raise it explicitly.' },
  { name: 'BERTH_SIGNUP_LIMIT_WINDOW_MINUTES', kind: 'int', min: 1, default: '60', help: 'Sliding window of the per-address sign-up limit.' },
  { name: 'BERTH_INVITE_LIMIT_PER_INVITER', kind: 'int', min: 1, default: '20', help: 'Invitations one person may send within BERTH_INVITE_LIMIT_WINDOW_MINUTES, over all their instances; more answer 429 INVITE_LIMIT with Retry-After. Every invitation counts, whether or not an account uses the address (the answer is the same either way).' },
  { name: 'BERTH_INVITE_LIMIT_PER_INSTANCE', kind: 'int', min: 1, default: '20', help: 'Invitations to one instance within BERTH_INVITE_LIMIT_WINDOW_MINUTES, whoever sends them; more answer 429 INVITE_LIMIT with Retry-After.' },
  { name: 'BERTH_INVITE_LIMIT_WINDOW_MINUTES', kind: 'int', min: 1, default: '60', help: 'Sliding window of both invitation limits.' },
  { name: 'BERTH_INVITE_TTL_DAYS', kind: 'int', min: 1, default: '14', help: 'How long an invitation waits for someone to sign up or log in with its address; then it lapses (the owner may invite again).' },
  { name: 'BERTH_API_TOKEN_MAX_DAYS', kind: 'int', min: 1, default: '365', help: 'Longest lifetime a person may give an API token (the form offers 90 days, or this if lower). Tokens also end when their holder leaves the instance, is removed, or logs out.' },
  { name: 'BERTH_TENANT_DATA_LIMIT_MIB', kind: 'int', default: '0', help: "Disk one instance may fill with its uploads and database together, passed to its container as BERTH_MAX_DATA_MIB (part of the spec hash); uploads and imports past it are refused with DATA_LIMIT. 0 = the tenant image's default (4096)." },
  { name: 'BERTH_TENANT_UPLOADS_IN_FLIGHT', kind: 'int', default: '0', help: "Uploads one instance may receive at once, passed to its container as BERTH_MAX_UPLOADS_IN_FLIGHT (part of the spec hash); more are refused with TOO_MANY_UPLOADS. 0 = the tenant image's default (2)." },
  { name: 'BERTH_EXPIRY_SWEEP_INTERVAL_MS', kind: 'int', min: 100, default: '600000', help: 'Period of deleting expired sessions, tenant sessions (berth_t), SSO codes and rate-limit rows. Lookups already ignore expired rows; the sweep keeps the tables from growing.' },
  { name: 'BERTH_ALLOW_UNSAFE_ROLLOUTS', kind: 'bool', default: 'false', help: 'TEST-ONLY: allow the rollout negative controls (unsafe: stop-before-unroute, no-drain) that the proof harness uses to show it detects failures. Never set in production.' },
  { name: 'BERTH_ROLE', kind: 'enum', values: ['all', 'web'], default: 'all', help: 'What this control-plane process does: all (serves pages, API, ForwardAuth and SSO, and competes for the background-work lease: the holder alone runs the reconciler, rollouts, prober, Docker event watcher, sweeps, sampler and backups) or web (serves only; never takes the lease). Several processes may share one BERTH_STATE_DIR, each on its own BERTH_HTTP_PORT.' },
  { name: 'BERTH_PROCESS_ID', kind: 'string', default: '', help: 'Name of this process in the process register, the lease and ./berth status (default the host name); a pid and a random tag are appended, so a restarted process is never taken for its predecessor.' },
  { name: 'BERTH_LEASE_TTL_MS', kind: 'int', min: 500, default: '10000', help: "Lifetime of the background-work lease without renewal: a holder killed with kill -9 is replaced within about this long (a graceful stop releases it at once). /__heartbeat__ fails when no process has held it for twice this." },
  { name: 'BERTH_LEASE_RENEW_MS', kind: 'int', min: 100, default: '3000', help: 'Period of renewing the lease (the holder) and of each process writing its row in the process register. Must be under half of BERTH_LEASE_TTL_MS: a holder whose renewal comes later than this plus half the TTL stops its background work first.' },
  { name: 'BERTH_BACKUP_DIR', kind: 'path', default: '', help: "Directory the tenant databases are replicated into by Litestream, one folder per tenant and backup lineage (default <state>/backups). Keep it off the tenant volumes' disk in production." },
  { name: 'BERTH_LITESTREAM_BIN', kind: 'path', default: '/var/cache/berth/litestream/v0.5.18-berth2/litestream', help: 'The Litestream binary (built by infra/scripts/build-litestream.sh).' },
  { name: 'BERTH_BACKUP_INTERVAL_MS', kind: 'int', min: 100, default: '2000', help: "Period of the backup supervisor's pass: tenants and volumes re-read, Litestream's configuration rewritten if it changed, replication lag read." },
  { name: 'BERTH_BACKUP_SYNC_INTERVAL_MS', kind: 'int', min: 50, default: '500', help: "How often Litestream reads each tenant database's new WAL frames and ships them to the replica (its monitor-interval and the replica's sync-interval). A write acknowledged just before a disk is lost reaches the replica within at most twice this (500 ms: 1 s, the loss target). Each open database costs Litestream CPU every period: 200 idle ones took the released Litestream 9.5 % of a core at 250 ms, 5.5 % at 500 ms, 3.4 % at 1 s (measured, niced); berth's patched build 0.7–0.8 % at 500 ms (infra/litestream/README.md)." },
  { name: 'BERTH_BACKUP_LAG_LIMIT_S', kind: 'int', min: 1, default: '10', help: "Replication lag past which /__heartbeat__'s backup check fails (a running tenant's database not confirmed replicated for that long)." },
  { name: 'BERTH_BACKUP_RETENTION_HOURS', kind: 'int', min: 1, default: '168', help: "How far back a tenant's database can be restored (Litestream keeps snapshots this long); a deleted tenant's backups are kept at least this long and removed only by ./berth backups purge." },
  { name: 'BERTH_BACKUP_S3_BUCKET', kind: 'string', default: '', help: 'S3-compatible bucket to replicate into instead of BERTH_BACKUP_DIR (credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, read by Litestream itself). Tested against versitygw, a real S3-compatible server (e2e/tests/backup-s3.test.ts): replication under the prefix, restores from the bucket, the lag check.' },
  { name: 'BERTH_BACKUP_S3_PATH', kind: 'string', default: 'berth', help: 'Key prefix inside BERTH_BACKUP_S3_BUCKET.' },
  { name: 'BERTH_BACKUP_S3_ENDPOINT', kind: 'string', default: '', help: 'Endpoint URL of an S3-compatible service (path-style requests); empty for AWS S3.' },
  { name: 'BERTH_BACKUP_S3_REGION', kind: 'string', default: '', help: 'Region of the bucket.' },
] as const satisfies readonly SettingSpec[];

export interface Config {
  readonly domain: string;
  readonly publicHttpsPort: number;
  readonly httpHost: string;
  readonly httpPort: number;
  /** 0: no cpauth entrypoint; ForwardAuth goes to the lease holder's own port. */
  readonly cpAuthPort: number;
  readonly drainMs: number;
  readonly stateDir: string;
  /** 0: no limit. */
  readonly maxInstancesPerAccount: number;
  /** 0: no check. */
  readonly minFreeDiskMib: number;
  readonly routesDir: string;
  readonly traefikApiUrl: string;
  readonly dockerSocket: string;
  readonly instance: string;
  readonly network: string;
  readonly tenantImage: string;
  readonly tenantMemoryMib: number;
  readonly tenantCpus: number;
  readonly tenantPids: number;
  readonly tenantEgress: 'none' | 'public';
  readonly reconcileIntervalMs: number;
  readonly dockerResyncMs: number;
  readonly probeIntervalMs: number;
  readonly readyTimeoutMs: number;
  readonly stopGraceS: number;
  /** 0: never hibernate. */
  readonly hibernateAfterMs: number;
  readonly volumeRetentionHours: number;
  readonly rolloutParallel: number;
  readonly snapshotsKept: number;
  readonly secureCookies: boolean;
  readonly logLevel: LogLevel;
  /** '' = standard output. */
  readonly logFile: string;
  readonly logMaxBytes: number;
  readonly logFilesKept: number;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly tenantNodeOptions: string;
  readonly resourceSampleIntervalMs: number;
  readonly rolloutSettleMs: number;
  readonly rolloutStepTimeoutMs: number;
  readonly allowUnsafeRollouts: boolean;
  readonly signupLimitPerAddress: number;
  readonly signupLimitWindowMinutes: number;
  readonly expirySweepIntervalMs: number;
  readonly apiTokenMaxDays: number;
  readonly inviteLimitPerInviter: number;
  readonly inviteLimitPerInstance: number;
  readonly inviteLimitWindowMinutes: number;
  readonly inviteTtlDays: number;
  /** 0: the tenant image's default. */
  readonly tenantDataLimitMib: number;
  /** 0: the tenant image's default. */
  readonly tenantUploadsInFlight: number;
  readonly role: 'all' | 'web';
  /** '' = the host name. */
  readonly processId: string;
  readonly leaseTtlMs: number;
  readonly leaseRenewMs: number;
  readonly backupDir: string;
  readonly litestreamBin: string;
  readonly backupIntervalMs: number;
  readonly backupLagLimitMs: number;
  readonly backupSyncIntervalMs: number;
  readonly backupRetentionHours: number;
  /** null: file replicas in backupDir. */
  readonly backupS3: { readonly bucket: string; readonly path: string; readonly endpoint: string; readonly region: string } | null;
  /** https://<domain>[:port] — where people reach the control plane. */
  readonly publicUrl: string;
}

/** Reads and validates every setting at once, listing every problem found. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const v = readSettings(SETTINGS, env, problems);
  const domain = v.BERTH_DOMAIN.toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain)) {
    problems.push(`BERTH_DOMAIN: "${domain}" is not a domain name with at least two labels`);
  }
  const instance = v.BERTH_INSTANCE;
  if (!/^[a-z0-9][a-z0-9_.-]{0,62}$/.test(instance)) problems.push(`BERTH_INSTANCE: "${instance}" must match [a-z0-9][a-z0-9_.-]*`);
  // Removed: an admin by claimed address is an admin nobody granted. Refuse rather than ignore it.
  if (env.BERTH_ADMIN_EMAILS !== undefined) problems.push('BERTH_ADMIN_EMAILS: no longer read; the operator grants admins with ./berth admin add EMAIL');
  const stateDir = resolve(v.BERTH_STATE_DIR);
  const publicHttpsPort = v.BERTH_PUBLIC_HTTPS_PORT;
  const config: Config = {
    domain,
    publicHttpsPort,
    httpHost: v.BERTH_HTTP_HOST,
    httpPort: v.BERTH_HTTP_PORT,
    cpAuthPort: v.BERTH_CP_AUTH_PORT,
    drainMs: v.BERTH_DRAIN_MS,
    stateDir,
    routesDir: v.BERTH_ROUTES_DIR ? resolve(v.BERTH_ROUTES_DIR) : resolve(stateDir, 'routes'),
    traefikApiUrl: v.BERTH_TRAEFIK_API_URL.replace(/\/$/, ''),
    dockerSocket: v.BERTH_DOCKER_SOCKET,
    instance,
    network: v.BERTH_NETWORK,
    tenantImage: v.BERTH_TENANT_IMAGE,
    tenantMemoryMib: v.BERTH_TENANT_MEMORY_MIB,
    tenantCpus: v.BERTH_TENANT_CPUS,
    tenantPids: v.BERTH_TENANT_PIDS,
    tenantEgress: v.BERTH_TENANT_EGRESS,
    reconcileIntervalMs: v.BERTH_RECONCILE_INTERVAL_MS,
    dockerResyncMs: v.BERTH_DOCKER_RESYNC_MS,
    probeIntervalMs: v.BERTH_PROBE_INTERVAL_MS,
    readyTimeoutMs: v.BERTH_READY_TIMEOUT_MS,
    stopGraceS: v.BERTH_STOP_GRACE_S,
    hibernateAfterMs: v.BERTH_HIBERNATE_AFTER_S * 1000,
    volumeRetentionHours: v.BERTH_VOLUME_RETENTION_HOURS,
    rolloutParallel: v.BERTH_ROLLOUT_PARALLEL,
    snapshotsKept: v.BERTH_SNAPSHOTS_KEPT,
    secureCookies: v.BERTH_SECURE_COOKIES,
    logLevel: v.BERTH_LOG_LEVEL,
    logFile: v.BERTH_LOG_FILE ? resolve(v.BERTH_LOG_FILE) : '',
    logMaxBytes: v.BERTH_LOG_MAX_MIB * 1024 * 1024,
    logFilesKept: v.BERTH_LOG_FILES_KEPT,
    extraLabels: parseLabels(v.BERTH_EXTRA_LABELS, problems),
    tenantNodeOptions: v.BERTH_TENANT_NODE_OPTIONS,
    resourceSampleIntervalMs: v.BERTH_RESOURCE_SAMPLE_INTERVAL_MS,
    rolloutSettleMs: v.BERTH_ROLLOUT_SETTLE_MS,
    rolloutStepTimeoutMs: v.BERTH_ROLLOUT_STEP_TIMEOUT_MS,
    allowUnsafeRollouts: v.BERTH_ALLOW_UNSAFE_ROLLOUTS,
    signupLimitPerAddress: v.BERTH_SIGNUP_LIMIT_PER_ADDRESS,
    maxInstancesPerAccount: v.BERTH_MAX_INSTANCES_PER_ACCOUNT,
    minFreeDiskMib: v.BERTH_MIN_FREE_DISK_MIB,
    signupLimitWindowMinutes: v.BERTH_SIGNUP_LIMIT_WINDOW_MINUTES,
    expirySweepIntervalMs: v.BERTH_EXPIRY_SWEEP_INTERVAL_MS,
    apiTokenMaxDays: v.BERTH_API_TOKEN_MAX_DAYS,
    inviteLimitPerInviter: v.BERTH_INVITE_LIMIT_PER_INVITER,
    inviteLimitPerInstance: v.BERTH_INVITE_LIMIT_PER_INSTANCE,
    inviteLimitWindowMinutes: v.BERTH_INVITE_LIMIT_WINDOW_MINUTES,
    inviteTtlDays: v.BERTH_INVITE_TTL_DAYS,
    tenantDataLimitMib: v.BERTH_TENANT_DATA_LIMIT_MIB,
    tenantUploadsInFlight: v.BERTH_TENANT_UPLOADS_IN_FLIGHT,
    role: v.BERTH_ROLE,
    processId: v.BERTH_PROCESS_ID,
    leaseTtlMs: v.BERTH_LEASE_TTL_MS,
    leaseRenewMs: v.BERTH_LEASE_RENEW_MS,
    backupDir: v.BERTH_BACKUP_DIR ? resolve(v.BERTH_BACKUP_DIR) : resolve(stateDir, 'backups'),
    litestreamBin: v.BERTH_LITESTREAM_BIN,
    backupIntervalMs: v.BERTH_BACKUP_INTERVAL_MS,
    backupLagLimitMs: v.BERTH_BACKUP_LAG_LIMIT_S * 1000,
    backupSyncIntervalMs: v.BERTH_BACKUP_SYNC_INTERVAL_MS,
    backupRetentionHours: v.BERTH_BACKUP_RETENTION_HOURS,
    backupS3: v.BERTH_BACKUP_S3_BUCKET
      ? { bucket: v.BERTH_BACKUP_S3_BUCKET, path: v.BERTH_BACKUP_S3_PATH, endpoint: v.BERTH_BACKUP_S3_ENDPOINT, region: v.BERTH_BACKUP_S3_REGION }
      : null,
    publicUrl: `https://${domain}${publicHttpsPort === 443 ? '' : `:${publicHttpsPort}`}`,
  };
  if (config.leaseRenewMs * 2 >= config.leaseTtlMs) problems.push(`BERTH_LEASE_RENEW_MS: ${config.leaseRenewMs} must be under half of BERTH_LEASE_TTL_MS (${config.leaseTtlMs})`);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function parseLabels(text: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = part.slice(0, Math.max(eq, 0)).trim();
    if (eq <= 0) problems.push(`BERTH_EXTRA_LABELS: "${part}" is not key=value`);
    else if (key === 'berth.instance' || /^berth\.(tenant|tenant-id|generation|spec-hash|image-version|role)$/.test(key)) {
      problems.push(`BERTH_EXTRA_LABELS: "${key}" is an ownership label berth sets itself`);
    } else out[key] = part.slice(eq + 1).trim();
  }
  return Object.freeze(out);
}

/** Public URL of a tenant: https://<slug>.<domain>[:port]. */
export function tenantUrl(config: Pick<Config, 'domain' | 'publicHttpsPort'>, slug: string): string {
  return `https://${slug}.${config.domain}${config.publicHttpsPort === 443 ? '' : `:${config.publicHttpsPort}`}`;
}
