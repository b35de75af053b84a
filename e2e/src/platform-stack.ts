// berth's own processes the way `./berth up` runs them (infra/scripts/stack.sh: Traefik and the
// control-plane web processes as supervised containers on the host network), isolated for a
// test or a benchmark: its own instance name, loopback ports, state, routes and log
// directories. stop() runs `stack.sh down` and removes what the instance created in Docker.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type https from 'node:https';
import { freePort } from './free-port.js';
import { createAgent, request, type HttpsResponse } from './https-client.js';
import { docker, removeLabelled } from './docker-cli.js';
import { DOMAIN, REPO_ROOT, TLS_DIR } from './stack.js';

const run = promisify(execFile);

export interface PlatformStack {
  readonly instance: string;
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly httpsPort: number;
  readonly apiPort: number;
  /** 127.0.0.1 ports of the web processes, in order (web-1, web-2, …). */
  readonly webPorts: readonly number[];
  readonly agent: https.Agent;
  readonly publicUrl: string;
  /** Container names: `<prefix>.traefik`, `<prefix>.web-<i>`. */
  readonly prefix: string;
  /** Runs infra/scripts/stack.sh with this stack's environment; resolves to its output. */
  stackSh(...args: string[]): Promise<string>;
  /** The same with some variables changed for this one run (TRAEFIK_VERSION for an upgrade). */
  stackShWith(env: Record<string, string>, ...args: string[]): Promise<string>;
  /** Host pid of a container's main process (0 when it is not running). */
  mainPid(container: string): Promise<number>;
  containerIds(): Promise<string[]>;
  get(url: string, headers?: Record<string, string>): Promise<HttpsResponse>;
  stop(): Promise<void>;
}

/** Two consecutive free ports (web processes listen on BERTH_HTTP_PORT + i - 1). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(p + 1, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error('no two consecutive free ports on 127.0.0.1');
}

export async function startPlatformStack(extraEnv: Record<string, string> = {}): Promise<PlatformStack> {
  const instance = `t${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `berth-${instance}-`));
  const [httpsPort, httpPort, apiPort, cpAuthPort, cpPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePortPair()];
  const env: Record<string, string> = {
    BERTH_INSTANCE: instance,
    BERTH_NETWORK: `berth-${instance}`,
    BERTH_DOMAIN: DOMAIN,
    BERTH_STATE_DIR: join(dir, 'state'),
    BERTH_LOG_DIR: join(dir, 'logs'),
    BERTH_ROUTES_DIR: join(dir, 'routes'),
    BERTH_TLS_DIR: TLS_DIR,
    BERTH_PUBLIC_HTTPS_PORT: String(httpsPort),
    BERTH_PUBLIC_HTTP_PORT: String(httpPort),
    BERTH_TRAEFIK_API_PORT: String(apiPort),
    BERTH_TRAEFIK_API_URL: `http://127.0.0.1:${apiPort}`,
    BERTH_TRAEFIK_BIND: '127.0.0.1',
    BERTH_HTTP_PORT: String(cpPort),
    BERTH_CP_AUTH_PORT: String(cpAuthPort),
    BERTH_WEB_PROCESSES: '2',
    // Not the host's settings file: nothing of the host's installation leaks in.
    BERTH_ENV_FILE: join(dir, 'no-berth.env'),
    BERTH_MAX_INSTANCES_PER_ACCOUNT: '0',
    ...extraEnv,
  };
  const prefix = `berth-${instance}`;
  const agent = createAgent(readFileSync(join(TLS_DIR, 'ca.pem'), 'utf8'), { keepAlive: false });
  const stackShWith = async (extra: Record<string, string>, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(join(REPO_ROOT, 'infra/scripts/stack.sh'), args, {
        env: { ...process.env, ...env, ...extra }, maxBuffer: 16 << 20, timeout: 300_000,
      });
      return stdout + stderr;
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(`stack.sh ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  };
  const stackSh = (...args: string[]) => stackShWith({}, ...args);
  const stack: PlatformStack = {
    instance, dir, env, httpsPort, apiPort, webPorts: [cpPort, cpPort + 1], agent, prefix,
    publicUrl: `https://${DOMAIN}:${httpsPort}`,
    stackSh,
    stackShWith,
    async mainPid(container) {
      try {
        return Number(await docker('inspect', '-f', '{{.State.Pid}}', container));
      } catch {
        return 0;
      }
    },
    async containerIds() {
      return (await docker('ps', '-aq', '--no-trunc', '--filter', `label=berth.platform=${instance}`)).split('\n').filter(Boolean).sort();
    },
    get: (url, headers) => request(url, { agent, headers, timeoutMs: 5000 }),
    async stop() {
      try {
        await stackSh('down');
      } finally {
        // The platform containers (down removed them; this catches a failed down) and what the
        // control plane created for the instance (its tenant network).
        await removeLabelled(`berth.platform=${instance}`);
        await removeLabelled(`berth.instance=${instance}`);
        // And its iptables chains (down removes them too; both removals are idempotent).
        await run(join(REPO_ROOT, 'infra/scripts/edge-nat.mjs'), ['remove', instance]).catch(() => {});
        await run(join(REPO_ROOT, 'infra/scripts/egress.sh'), ['remove', instance]).catch(() => {});
        agent.destroy();
        if (!process.env.BERTH_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await stackSh('up');
  } catch (err) {
    await stack.stop().catch(() => {});
    throw err;
  }
  return stack;
}
