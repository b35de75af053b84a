// A tenant container started straight from the Docker CLI with the same hardening the control
// plane gives it (non-root, read-only root, tmpfs /tmp, no capabilities, no-new-privileges,
// init, memory and pid limits, a named volume at /data), for tests and benchmarks that talk to
// the app without Traefik in front.
import http from 'node:http';
import { docker, containerIp } from '../docker-cli.js';
import { waitFor } from '@berth/common/wait-for';
import { call } from './http-call.js';
import { directIdentityHeaders, type TenantTarget } from './tenant-target.js';

export interface DirectContainer {
  readonly id: string;
  readonly ip: string;
  readonly target: TenantTarget;
}

export interface DirectContainerOptions {
  readonly image: string;
  readonly network: string;
  readonly volume: string;
  readonly label: string;
  readonly name: string;
  readonly memory?: string;
  readonly cpus?: string;
  readonly env?: Record<string, string>;
  readonly agent?: http.Agent;
}

export const BENCH_USER = { id: '1', email: 'bench@berth.localhost', role: 'owner' as const };

export async function runTenantContainer(opts: DirectContainerOptions): Promise<DirectContainer> {
  const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const id = await docker('run', '-d', '--name', opts.name, '--label', opts.label, '--network', opts.network,
    '--read-only', '--tmpfs', '/tmp:size=8m', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--init', '--user', '10001:10001', '--memory', opts.memory ?? '256m', '--pids-limit', '64',
    ...(opts.cpus ? ['--cpus', opts.cpus] : []),
    ...env, '-v', `${opts.volume}:/data`, opts.image);
  const ip = await containerIp(id, opts.network);
  const agent = opts.agent ?? new http.Agent({ keepAlive: true, maxSockets: 64 });
  await waitFor(async () => (await call(`http://${ip}:8080/__heartbeat__`, { agent, timeoutMs: 1000 })).status === 200,
    { timeoutMs: 30_000, what: `${opts.name} ready` });
  return { id, ip, target: { slug: opts.name, baseUrl: `http://${ip}:8080`, agent, headers: directIdentityHeaders(BENCH_USER) } };
}
