// A real berth stack for tests and benchmarks: a Traefik process (built by ./berth, own
// ports on loopback, own watched routes directory, JSON access log) and, optionally, the
// control plane run from source. Each stack has its own BERTH_INSTANCE, so everything it
// creates in Docker carries `berth.instance=<instance>` and is removed exactly by stop().
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type https from 'node:https';
import { freePort } from './free-port.js';
import { stopProcess } from './stop-process.js';
import { waitFor } from '@berth/common/wait-for';
import { createAgent, request } from './https-client.js';
import { removeLabelled } from './docker-cli.js';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const STATE_DIR = process.env.BERTH_STATE_DIR ?? '/var/lib/berth';
const CACHE_DIR = process.env.BERTH_CACHE_DIR ?? '/var/cache/berth';
const TRAEFIK_VERSION = process.env.TRAEFIK_VERSION ?? 'v3.6.12';
export const DOMAIN = 'berth.localhost';
export const TLS_DIR = join(STATE_DIR, 'tls');
/** The control plane's service and router in _shared.yml (control-plane/src/edge/shared-config.ts). */
const CONTROL_PLANE_SERVICE = 'berth-cp';

export interface StackOptions {
  /** Start the control plane too (default true). */
  controlPlane?: boolean;
  /** Extra BERTH_* settings for the control plane. */
  env?: Record<string, string>;
  /**
   * Environment of Traefik and of its configuration's rendering (infra/scripts/render-traefik-config.sh):
   * BERTH_ACME_* settings and the DNS provider's own variables. ACME state goes to the stack's own directory.
   */
  traefikEnv?: Record<string, string>;
  /**
   * Traefik with the loopback cpauth entrypoint and BERTH_CP_AUTH_PORT set: ForwardAuth balanced
   * over every control-plane process of the stack (ARCHITECTURE.md, "The web pool in Traefik").
   */
  webPool?: boolean;
}

export interface Stack {
  readonly instance: string;
  readonly network: string;
  readonly domain: string;
  readonly httpsPort: number;
  readonly httpPort: number;
  readonly apiPort: number;
  readonly cpPort: number;
  /** Traefik's cpauth entrypoint (webPool), else 0. */
  readonly cpAuthPort: number;
  readonly dir: string;
  readonly routesDir: string;
  readonly logDir: string;
  readonly accessLog: string;
  readonly ca: string;
  readonly caPath: string;
  readonly agent: https.Agent;
  readonly traefikApi: string;
  readonly cpUrl: string;
  readonly publicUrl: string;
  tenantUrl(slug: string): string;
  controlPlane: ControlPlaneProcess;
  /**
   * Another control-plane process on the same state directory and database (its own port and
   * log file control-plane-<name>.log), started; stop() stops it too. Traefik's control-plane
   * service lists it once the lease holder sees it in the process register.
   */
  addControlPlane(name: string, env?: Record<string, string>, root?: string): Promise<ExtraControlPlane>;
  stop(): Promise<void>;
}

export interface ExtraControlPlane extends ControlPlaneProcess {
  readonly url: string;
  readonly logPath: string;
}

export interface ControlPlaneProcess {
  start(): Promise<void>;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  running(): boolean;
  /** Sends a signal without waiting (SIGSTOP, SIGCONT, or SIGKILL when the test waits itself). */
  signal(signal: NodeJS.Signals): void;
  pid(): number | null;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const instance = `t${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `berth-${instance}-`));
  const routesDir = join(dir, 'routes');
  const logDir = join(dir, 'logs');
  const [httpPort, httpsPort, apiPort, cpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const cpAuthPort = opts.webPool ? await freePort() : 0;
  const cert = join(TLS_DIR, `${DOMAIN}.pem`);
  const key = join(TLS_DIR, `${DOMAIN}-key.pem`);
  const caPath = join(TLS_DIR, 'ca.pem');
  if (!existsSync(cert)) throw new Error(`no certificate at ${cert}: run ./berth up (or infra/scripts/make-certs.sh) first`);
  const traefikBin = join(CACHE_DIR, 'traefik', TRAEFIK_VERSION, 'traefik');
  if (!existsSync(traefikBin)) throw new Error(`no Traefik binary at ${traefikBin}: run ./berth up first`);

  const traefikEnv = { ...process.env, BERTH_STATE_DIR: join(dir, 'state'), BERTH_DOMAIN: DOMAIN, ...opts.traefikEnv };
  execFileSync(join(REPO_ROOT, 'infra/scripts/render-traefik-config.sh'), [
    join(dir, 'traefik.yml'), routesDir, logDir, '127.0.0.1', String(httpPort), String(httpsPort), String(apiPort), cert, key,
    ...(cpAuthPort ? [String(cpAuthPort)] : []),
  ], { env: traefikEnv });
  const traefik = spawn(traefikBin, [`--configFile=${join(dir, 'traefik.yml')}`], { env: traefikEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const tlog = createWriteStream(join(logDir, 'traefik.stdout.log'));
  traefik.stdout.pipe(tlog);
  traefik.stderr.pipe(tlog);
  const traefikApi = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await fetch(`${traefikApi}/ping`)).ok, { timeoutMs: 20_000, what: 'Traefik ping' });

  const ca = readFileSync(caPath, 'utf8');
  const agent = createAgent(ca, { keepAlive: true });
  const port = httpsPort === 443 ? '' : `:${httpsPort}`;
  const network = `berth-${instance}`;
  const cpUrl = `http://127.0.0.1:${cpPort}`;
  const env: Record<string, string> = {
    BERTH_DOMAIN: DOMAIN,
    BERTH_PUBLIC_HTTPS_PORT: String(httpsPort),
    BERTH_HTTP_PORT: String(cpPort),
    BERTH_STATE_DIR: join(dir, 'state'),
    BERTH_ROUTES_DIR: routesDir,
    BERTH_TRAEFIK_API_URL: traefikApi,
    BERTH_INSTANCE: instance,
    BERTH_NETWORK: network,
    BERTH_RECONCILE_INTERVAL_MS: '2000',
    BERTH_STOP_GRACE_S: '10',
    BERTH_LOG_LEVEL: 'info',
    // Tests and benchmarks create many instances per account; the limit has its own unit test.
    BERTH_MAX_INSTANCES_PER_ACCOUNT: '0',
    BERTH_CP_AUTH_PORT: String(cpAuthPort),
    ...opts.env,
  };
  const controlPlane = controlPlaneProcess(env, join(logDir, 'control-plane.log'), cpUrl);
  if (opts.controlPlane !== false) {
    await controlPlane.start();
    // The control plane answers before Traefik has loaded its router (the file provider applies
    // changes after a throttle): a request at once got Traefik's 404 (a CI run's sign-up did).
    // Asked of Traefik's API, so it holds for stacks serving another CA's certificate (ACME).
    await waitFor(async () => {
      const r = await fetch(`${traefikApi}/api/http/services/${CONTROL_PLANE_SERVICE}@file`);
      if (!r.ok) return false;
      const body = await r.json() as { serverStatus?: Record<string, string> };
      return Object.values(body.serverStatus ?? {}).includes('UP')
        && (await fetch(`${traefikApi}/api/http/routers/${CONTROL_PLANE_SERVICE}@file`)).ok;
    }, { timeoutMs: 30_000, what: "Traefik serving the control plane's router" });
  }
  const extras: ControlPlaneProcess[] = [];

  return {
    instance, network, domain: DOMAIN, httpsPort, httpPort, apiPort, cpPort, cpAuthPort, dir, routesDir, logDir,
    accessLog: join(logDir, 'access.log'), ca, caPath, agent, traefikApi, cpUrl,
    publicUrl: `https://${DOMAIN}${port}`,
    tenantUrl: (slug) => `https://${slug}.${DOMAIN}${port}`,
    controlPlane,
    async addControlPlane(name, extraEnv = {}, root = REPO_ROOT) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const logPath = join(logDir, `control-plane-${name}.log`);
      const cp = controlPlaneProcess({ ...env, BERTH_HTTP_PORT: String(port), ...extraEnv }, logPath, url, root);
      extras.push(cp);
      await cp.start();
      return Object.assign(cp, { url, logPath });
    },
    async stop() {
      // SIGCONT first: a stopped process cannot act on SIGTERM.
      for (const cp of [controlPlane, ...extras]) cp.signal('SIGCONT');
      try {
        await Promise.all(extras.filter((cp) => cp.running()).map((cp) => cp.kill('SIGTERM')));
        if (controlPlane.running()) await controlPlane.kill('SIGTERM');
        await stopProcess(traefik, 'SIGTERM', 30_000);
        agent.destroy();
        await removeLabelled(`berth.instance=${instance}`);
      } finally {
        // The control plane installed this instance's egress chains: they go even when a step
        // above failed (an interrupted bench left two instances' chains behind).
        execFileSync(join(REPO_ROOT, 'infra/scripts/egress.sh'), ['remove', instance]);
      }
      if (!process.env.BERTH_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `root`: the checkout whose control plane runs (another version's worktree, for the two-version test). */
function controlPlaneProcess(env: Record<string, string>, logPath: string, cpUrl: string, root = REPO_ROOT): ControlPlaneProcess {
  let child: ChildProcess | null = null;
  const log = createWriteStream(logPath, { flags: 'a' });
  return {
    async start() {
      if (child) throw new Error('control plane already running');
      // Benchmarks measure the control plane as it runs in production (compiled, `./berth bench`
      // sets this after the build): under tsx it spends more CPU and memory on the same work.
      const args = process.env.BERTH_BENCH_COMPILED === '1'
        ? ['--conditions=berth-compiled', join(root, 'control-plane/dist/main.js')]
        : ['--import', 'tsx', join(root, 'control-plane/src/main.ts')];
      child = spawn(process.execPath, args, {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
      const me = child;
      let exit: string | null = null;
      me.once('exit', () => { if (child === me) child = null; });
      // 'close' comes after the exit and the last output, which the message below quotes.
      me.once('close', (code, signal) => { exit = signal ? `signal ${signal}` : `code ${code}`; });
      // The test directory (and this log) is removed when the stack stops: a failure says what
      // the process printed, so one on another machine can be understood from its output.
      const tail = () => readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n');
      try {
        await waitFor(async () => exit !== null || (await fetch(`${cpUrl}/__lbheartbeat__`)).ok, { timeoutMs: 30_000, what: 'control plane /__lbheartbeat__' });
      } catch (err) {
        throw new Error(`${(err as Error).message}; the last lines of ${logPath}:\n${tail()}`);
      }
      if (exit !== null) {
        throw new Error(`control plane exited during start (${exit}); the last lines of ${logPath}:\n${tail()}`);
      }
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!child) return;
      const c = child;
      await stopProcess(c, signal, 30_000);
      child = null;
    },
    running: () => child !== null,
    signal(signal) {
      child?.kill(signal);
    },
    pid: () => child?.pid ?? null,
  };
}

/** GET through Traefik with TLS verification against the project's CA. */
export function httpsGet(stack: Stack, url: string, headers?: Record<string, string>) {
  return request(url, { agent: stack.agent, headers });
}
