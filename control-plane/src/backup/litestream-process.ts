// The one host-level Litestream process: started with a configuration file, restarted when that
// file changes, asked over its control socket (a Unix socket, HTTP) what it last replicated.
// Its log lines go to the control plane's log (errors and warnings only: it logs every
// compaction of every database at info).
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import type { Logger } from '@berth/common/logger';

/**
 * Litestream's nice value: it yields the CPU to the tenants whose writes it ships and catches up
 * in their pauses. On 2 cores, a 1M-row import ran 13 % slower with Litestream replicating it at
 * the same priority and 6 % slower at this one (./berth bench import --replicate, alternating
 * runs); the replication lag during an import is measured by ./berth bench restore.
 */
export const LITESTREAM_NICE = 10;

export interface ListedDb {
  readonly path: string;
  readonly status: string;
  /** Unix ms of the last successful sync to the replica (Litestream syncs idle databases too, each second). */
  readonly lastSyncAt: number | null;
}

export interface LitestreamProcess {
  /** Starts it (if not running) with the configuration file. */
  start(): void;
  /** SIGTERM (Litestream syncs what it has, then exits), SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
  running(): boolean;
  pid(): number | null;
  /** Resolves when the running process exits (immediately when none runs). */
  exited(): Promise<void>;
  list(signal?: AbortSignal): Promise<ListedDb[]>;
  /**
   * Closes one database in the running Litestream (its `stop` command): it answers only after a
   * final sync to the replica, and fails when that sync failed (the database is closed anyway).
   * 'already_stopped': it was not open, so nothing was synced.
   */
  closeDb(path: string, signal?: AbortSignal): Promise<'stopped' | 'already_stopped'>;
  /** Opens a database of its configuration again (its `start` command); replication resumes from where it stood. */
  openDb(path: string, signal?: AbortSignal): Promise<void>;
  /**
   * Stops a Litestream left running by an earlier control plane that was killed (a child
   * outlives a SIGKILLed parent): two processes replicating one database into one replica would
   * interleave their writes. It is found through the socket in berth's own state directory.
   */
  stopLeftover(): Promise<void>;
}

export function createLitestreamProcess(opts: { bin: string; configPath: string; socketPath: string; log: Logger }): LitestreamProcess {
  let child: ChildProcess | null = null;
  let exit: Promise<void> = Promise.resolve();
  const log = opts.log;
  return {
    start() {
      if (child) return;
      const c = spawn(opts.bin, ['replicate', '-config', opts.configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      if (c.pid !== undefined) {
        try {
          setPriority(c.pid, LITESTREAM_NICE);
        } catch (err) {
          log.warn('could not lower litestream\'s priority; it competes with the tenants for the CPU', { err: err as Error });
        }
      }
      exit = new Promise<void>((resolve) => {
        c.once('exit', (code, sig) => {
          if (child === c) child = null;
          log.info('litestream exited', { code, signal: sig });
          resolve();
        });
        c.once('error', (err) => {
          if (child === c) child = null;
          log.error('litestream could not start', { err, bin: opts.bin });
          resolve();
        });
      });
      for (const stream of [c.stdout!, c.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => {
          if (/level=(ERROR|WARN)/.test(line)) log.warn('litestream', { line });
          else log.debug('litestream', { line });
        });
      }
      log.info('litestream started', { pid: c.pid, config: opts.configPath });
    },
    async stop(graceMs = 35_000) {
      const c = child;
      if (!c) return;
      const done = exit;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
    running: () => child !== null,
    pid: () => child?.pid ?? null,
    exited: () => exit,
    async stopLeftover() {
      if (child) return;
      let pid: number;
      try {
        pid = ((await socketJson(opts.socketPath, 'GET', '/info', undefined)) as { pid: number }).pid;
      } catch {
        return; // nothing answers: nothing left over
      }
      log.warn('stopping a litestream left by an earlier control plane', { pid });
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const deadline = Date.now() + 35_000;
      while (Date.now() < deadline) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(pid, 'SIGKILL');
    },
    async closeDb(path, signal) {
      const body = (await socketJson(opts.socketPath, 'POST', '/stop', { path, timeout: CLOSE_TIMEOUT_S }, signal, { timeoutMs: (CLOSE_TIMEOUT_S + 5) * 1000 })) as { status?: string };
      if (body.status !== 'stopped' && body.status !== 'already_stopped') throw new Error(`litestream /stop ${path}: unexpected status ${String(body.status)}`);
      return body.status;
    },
    async openDb(path, signal) {
      await socketJson(opts.socketPath, 'POST', '/start', { path, timeout: CLOSE_TIMEOUT_S }, signal, { timeoutMs: (CLOSE_TIMEOUT_S + 5) * 1000 });
    },
    async list(signal) {
      // One entry per configured database (~150 bytes): thousands of tenants fit well within.
      const body = (await socketJson(opts.socketPath, 'GET', '/list', undefined, signal, { maxBytes: 32 << 20 })) as { databases?: { path: string; status: string; last_sync_at?: string }[] };
      return (body.databases ?? []).map((d) => ({
        path: d.path, status: d.status,
        lastSyncAt: d.last_sync_at ? Date.parse(d.last_sync_at) : null,
      }));
    },
  };
}

/** Seconds Litestream may take for a database's final sync when closing it. */
const CLOSE_TIMEOUT_S = 30;

/** One request to Litestream's control socket; bounded (by default 2 s, 1 MiB). */
function socketJson(
  socketPath: string, method: string, path: string, body: unknown, signal?: AbortSignal,
  limits: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<unknown> {
  const { timeoutMs = 2000, maxBytes = 1 << 20 } = limits;
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, timeout: timeoutMs, signal, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) req.destroy(new Error(`litestream ${path}: answer over ${maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) return reject(new Error(`litestream ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error(`litestream ${path}: not JSON: ${text.slice(0, 100)}`));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`litestream ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
