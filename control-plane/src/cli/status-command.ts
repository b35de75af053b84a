// ./berth status: is this host's berth up? Traefik and the control plane each by their pid
// file (written by infra/scripts/stack.sh) and by asking them (Traefik's ping and version on
// its internal API, the control plane's /__version__), then the tenants by state. Works with
// the stack down: it reports what is missing and exits 3 when the control plane does not
// answer, 1 when it answers but Traefik does not, 0 when both do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { AdminTenant } from '../rollout/admin-tenant-list.js';
import { readVersion } from '../version.js';
import { controlPlaneUrl, type ControlPlaneClient } from './api-client.js';
import { CliError, EXIT_CODES } from './cli-errors.js';
import { expectPositionals, parseOptions } from './cli-options.js';

export const STATUS_USAGE = `usage: ./berth status [--json]
  Traefik and the control plane: process (pid), whether each answers, version, address;
  the public URL; the tenants by state; every control-plane process on the database (role,
  serving or silent, which one holds the background-work lease, version, address).
  exit 0 both answer, 1 the control plane answers but Traefik does not, 3 the control plane does not answer
  --json   the same as one JSON object`;

/** Each probe is one loopback request; a stuck process must not hang the command. */
const PROBE_TIMEOUT_MS = 3000;

export interface ProcessStatus {
  /** From <state>/run/<name>.pid: null when there is no pid file (not started by ./berth up). */
  readonly pid: number | null;
  readonly pidAlive: boolean;
  /** It answered on its address just now. */
  readonly answering: boolean;
  readonly url: string;
  readonly version: string | null;
  readonly detail: string | null;
}

export interface StatusReport {
  readonly ok: boolean;
  readonly cli: { readonly version: string; readonly commit: string };
  readonly publicUrl: string;
  readonly stateDir: string;
  readonly traefik: ProcessStatus;
  readonly controlPlane: ProcessStatus & { readonly commit: string | null };
  /** null when the control plane could not be asked. */
  readonly tenants: { readonly total: number; readonly byState: Readonly<Record<string, number>> } | null;
  readonly tenantsDetail: string | null;
  /** Every control-plane process in the register and the lease row (the heartbeat's loopback details); null when not answered. */
  readonly processes: readonly ProcessLine[] | null;
  readonly lease: { readonly holder: string; readonly epoch: number; readonly renewedMsAgo: number; readonly ok: boolean; readonly detail: string } | null;
}

export interface ProcessLine {
  readonly id: string;
  readonly role: string;
  readonly version: string;
  readonly url: string;
  readonly state: string;
  readonly holdsLease: boolean;
  readonly pid: number;
  /** Milliseconds since it last wrote its row. */
  readonly lastSeenMsAgo: number;
}

type StatusConfig = Pick<Config, 'stateDir' | 'httpPort' | 'traefikApiUrl' | 'domain' | 'publicHttpsPort'>;

export async function runStatusCommand(config: () => StatusConfig, client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals, help } = parseOptions(argv, { json: 'flag' }, STATUS_USAGE);
  if (help) {
    out.write(`${STATUS_USAGE}\n`);
    return 0;
  }
  expectPositionals(positionals, 0, STATUS_USAGE);
  const report = await collectStatus(config(), client);
  out.write(values.json ? `${JSON.stringify(report)}\n` : formatStatus(report));
  if (!report.controlPlane.answering) return EXIT_CODES.unreachable;
  return report.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
}

export async function collectStatus(config: StatusConfig, client: ControlPlaneClient): Promise<StatusReport> {
  const cpUrl = controlPlaneUrl(config);
  const traefikUrl = config.traefikApiUrl.replace(/\/$/, '');
  const [ping, traefikVersion, cpVersion] = await Promise.all([
    probe(`${traefikUrl}/ping`, (r) => r.text()),
    probe(`${traefikUrl}/api/version`, async (r) => ((await r.json()) as { Version?: string }).Version ?? null),
    probe(`${cpUrl}/__version__`, async (r) => (await r.json()) as { version: string; commit: string }),
  ]);
  const traefik: ProcessStatus = {
    ...pidStatus(config.stateDir, 'traefik'), answering: ping.ok, url: traefikUrl,
    version: traefikVersion.ok ? traefikVersion.value : null, detail: ping.ok ? null : ping.detail,
  };
  const controlPlane = {
    ...pidStatus(config.stateDir, 'control-plane'), answering: cpVersion.ok, url: cpUrl,
    version: cpVersion.ok ? cpVersion.value.version : null, commit: cpVersion.ok ? cpVersion.value.commit : null,
    detail: cpVersion.ok ? null : cpVersion.detail,
  };
  let tenants: StatusReport['tenants'] = null;
  let tenantsDetail: string | null = null;
  if (controlPlane.answering) {
    try {
      const list = (await client.json<{ tenants: AdminTenant[] }>('GET', '/api/v1/admin/tenants')).tenants;
      const byState: Record<string, number> = {};
      for (const t of list) byState[t.state] = (byState[t.state] ?? 0) + 1;
      tenants = { total: list.length, byState };
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      tenantsDetail = err.message;
    }
  }
  const register = controlPlane.answering ? await readRegister(cpUrl) : { processes: null, lease: null };
  const port = config.publicHttpsPort === 443 ? '' : `:${config.publicHttpsPort}`;
  return {
    ok: traefik.answering && controlPlane.answering,
    cli: readVersion(),
    publicUrl: `https://${config.domain}${port}/`,
    stateDir: config.stateDir,
    traefik,
    controlPlane,
    tenants,
    tenantsDetail,
    ...register,
  };
}

interface HeartbeatDetails {
  checks?: { lease?: { ok: boolean; detail?: string } };
  lease?: { holder: string; epoch: number; renewedAt: number } | null;
  processes?: { id: string; role: string; version: string; url: string; state: string; pid: number; lastSeen: number }[];
}

/** The process register and lease from /__heartbeat__ (its details answer on loopback, 200 or 500 alike). */
async function readRegister(cpUrl: string): Promise<Pick<StatusReport, 'processes' | 'lease'>> {
  try {
    const body = (await (await fetch(`${cpUrl}/__heartbeat__`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).json()) as HeartbeatDetails;
    const row = body.lease ?? null;
    const check = body.checks?.lease;
    return {
      processes: body.processes?.map((p) => ({ id: p.id, role: p.role, version: p.version, url: p.url, state: p.state, holdsLease: row?.holder === p.id,
        pid: p.pid, lastSeenMsAgo: Date.now() - p.lastSeen })) ?? null,
      lease: row && check ? { holder: row.holder, epoch: row.epoch, renewedMsAgo: Date.now() - row.renewedAt, ok: check.ok, detail: check.detail ?? '' } : null,
    };
  } catch {
    return { processes: null, lease: null };
  }
}

export function formatStatus(r: StatusReport): string {
  const proc = (name: string, p: ProcessStatus, version: string | null) => {
    const pid = p.pid === null ? 'no pid file' : p.pidAlive ? `pid ${p.pid}` : `pid ${p.pid} (not running)`;
    const state = p.answering ? 'up' : 'DOWN';
    return `${name.padEnd(14)} ${state.padEnd(5)} ${pid.padEnd(22)} ${(version ?? '-').padEnd(22)} ${p.url}${p.detail ? `  (${p.detail})` : ''}\n`;
  };
  const cpVersion = r.controlPlane.version === null ? null : `${r.controlPlane.version} (${r.controlPlane.commit})`;
  const states = r.tenants === null
    ? `unknown${r.tenantsDetail ? ` (${r.tenantsDetail})` : ' (the control plane does not answer)'}`
    : `${r.tenants.total}${r.tenants.total > 0 ? `: ${Object.entries(r.tenants.byState).sort().map(([s, n]) => `${n} ${s}`).join(', ')}` : ''}`;
  return proc('traefik', r.traefik, r.traefik.version) +
    proc('control plane', r.controlPlane, cpVersion) +
    `${'public URL'.padEnd(14)} ${r.publicUrl}\n` +
    `${'tenants'.padEnd(14)} ${states}\n` +
    formatProcesses(r) +
    `${'state'.padEnd(14)} ${r.stateDir}\n` +
    (r.ok ? '' : `berth is ${r.controlPlane.answering ? 'degraded' : 'down'}; start it with ./berth up\n`);
}

function formatProcesses(r: StatusReport): string {
  if (r.processes === null) return '';
  const lease = r.lease ? `lease: ${r.lease.ok ? '' : 'FAILING, '}${r.lease.detail}` : 'lease: never taken';
  const head = `${'processes'.padEnd(14)} ${r.processes.length} (${lease})\n`;
  return head + r.processes.map((p) => `  ${p.id.padEnd(34)} ${p.role.padEnd(4)} ${p.state.padEnd(8)} ${(p.holdsLease ? 'lease holder' : '').padEnd(13)}${p.version.padEnd(24)} pid ${String(p.pid).padEnd(8)}${p.url.padEnd(24)} seen ${Math.round(p.lastSeenMsAgo / 100) / 10} s ago\n`).join('');
}

function pidStatus(stateDir: string, name: string): { pid: number | null; pidAlive: boolean } {
  let pid: number;
  try {
    pid = Number(readFileSync(join(stateDir, 'run', `${name}.pid`), 'utf8').trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { pid: null, pidAlive: false };
    throw new CliError(`cannot read ${join(stateDir, 'run', `${name}.pid`)}: ${(err as Error).message}`);
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return { pid: null, pidAlive: false };
  try {
    process.kill(pid, 0);
    return { pid, pidAlive: true };
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return { pid, pidAlive: (err as NodeJS.ErrnoException).code === 'EPERM' };
  }
}

type Probe<T> = { ok: true; value: T } | { ok: false; detail: string };

async function probe<T>(url: string, read: (res: Response) => Promise<T>): Promise<Probe<T>> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!res.ok) return { ok: false, detail: `HTTP ${res.status}` };
    return { ok: true, value: await read(res) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, detail: e.cause?.code ?? (e.cause as Error | undefined)?.message ?? e.message };
  }
}
