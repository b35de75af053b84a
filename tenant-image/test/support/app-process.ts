// Starts the tenant app as a real `node` process (from source through tsx, or the built
// dist/main.js when BERTH_TEST_DIST=1) on a loopback port, and stops it by signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@berth/common/wait-for';

const PKG = fileURLToPath(new URL('../../', import.meta.url));

export interface AppProcess {
  readonly url: string;
  readonly port: number;
  readonly proc: ChildProcess;
  readonly output: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startAppProcess(opts: { dataDir: string; env?: Record<string, string>; waitReady?: boolean }): Promise<AppProcess> {
  const port = await freePort();
  const useDist = process.env.BERTH_TEST_DIST === '1';
  const args = useDist ? [`--conditions=berth-compiled`, `${PKG}dist/main.js`] : ['--import', 'tsx', `${PKG}src/main.ts`];
  const proc = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', BERTH_DATA_DIR: opts.dataDir, BERTH_LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    url,
    port,
    proc,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  if (opts.waitReady !== false) {
    await waitFor(async () => {
      if (proc.exitCode !== null) throw new Error(`app exited with ${proc.exitCode}: ${out}`);
      return (await fetch(`${url}/__heartbeat__`)).status === 200;
    }, { timeoutMs: 20_000, what: `app on ${url} to be ready` });
  }
  return app;
}

export function sessionHeaders(base: string, email = 'load@example.com'): Record<string, string> {
  return {
    origin: base,
    'x-berth-auth': 'session',
    'x-berth-user-id': `u-${email}`,
    'x-berth-user-email': email,
    'x-berth-user-role': 'owner',
  };
}
