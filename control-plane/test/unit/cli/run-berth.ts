// Runs the real ./berth script as an operator would, with only the environment given, and a
// closed loopback port for "nothing listens here".
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const REPO_ROOT = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');

export interface BerthRun { code: number | null; stdout: string; stderr: string }

export function runBerth(args: readonly string[], env: Record<string, string> = {}): Promise<BerthRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${REPO_ROOT}/berth`, args, {
      cwd: REPO_ROOT,
      // Hermetic: this host's /etc/berth/berth.env (if any) is not read unless a test says so.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', BERTH_ENV_FILE: '/nonexistent/berth.env', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A command that should answer at once but hangs fails the test instead of holding the run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

