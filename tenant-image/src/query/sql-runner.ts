// Runs read-only SQL in a separate process with a hard time limit. The process is started on
// the first query, serves queries one at a time, is killed (SIGKILL) when a query passes the
// limit, and exits by itself after a while without queries so an idle tenant pays nothing.
// The app's event loop never runs user SQL.
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthError } from '../errors.js';
import type { Logger } from '@berth/common/logger';
import { checkReadOnlySql } from './sql-guard.js';
import type { SqlResponse, SqlResult } from './sql-protocol.js';

export interface SqlRunnerOptions {
  readonly dbPath: string;
  readonly busyTimeoutMs: number;
  readonly timeLimitMs: number;
  readonly rowCap: number;
  readonly idleExitMs: number;
  readonly log: Logger;
}

export interface SqlRunner {
  run(sql: string, params: Record<string, string>): Promise<SqlResult>;
  stop(): Promise<void>;
}

const MAX_WAITING = 8;
const CHILD_START_TIMEOUT_MS = 15_000;
// Under tsx (tests) this module is a .ts file and so is its sibling; in the image both are .js.
const CHILD_PATH = fileURLToPath(new URL(`./sql-child${extname(import.meta.url)}`, import.meta.url));

export function createSqlRunner(opts: SqlRunnerOptions): SqlRunner {
  let child: ChildProcess | undefined;
  let childReady: Promise<void> = Promise.resolve();
  let idleTimer: NodeJS.Timeout | undefined;
  let nextId = 1;
  let chain: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let stopped = false;

  const spawnChild = (): ChildProcess => {
    const c = fork(CHILD_PATH, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, '--max-old-space-size=64'],
    });
    c.on('exit', () => {
      if (child === c) child = undefined;
    });
    // The time limit is for the query, not for starting Node: wait for the child's hello first.
    childReady = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BerthError('INTERNAL', 'the query process did not start')), CHILD_START_TIMEOUT_MS);
      const onHello = (m: unknown) => {
        if ((m as { ready?: boolean }).ready !== true) return;
        clearTimeout(timer);
        c.off('message', onHello);
        resolve();
      };
      c.on('message', onHello);
      c.once('exit', () => {
        clearTimeout(timer);
        reject(new BerthError('INTERNAL', 'the query process exited while starting'));
      });
    });
    return c;
  };

  const killChild = (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };

  const runOne = async (sql: string, params: Record<string, string>): Promise<SqlResult> => {
    clearTimeout(idleTimer);
    const c = child ?? (child = spawnChild());
    await childReady.catch(async (err: unknown) => {
      await killChild();
      throw err;
    });
    const id = nextId++;
    return new Promise<SqlResult>((resolve, reject) => {
      const settle = () => {
        clearTimeout(limit);
        c.off('message', onMessage);
        c.off('exit', onExit);
        idleTimer = setTimeout(() => void killChild(), opts.idleExitMs);
        idleTimer.unref();
      };
      const onMessage = (m: SqlResponse) => {
        if (m.id !== id) return;
        settle();
        if (m.ok) resolve(m.result);
        else reject(new BerthError(m.code, m.message));
      };
      const onExit = () => {
        settle();
        reject(new BerthError('INTERNAL', 'the query process stopped unexpectedly'));
      };
      const limit = setTimeout(() => {
        settle();
        void killChild();
        reject(new BerthError('SQL_TIME_LIMIT', `the query ran longer than ${opts.timeLimitMs} ms and was stopped`, { limitMs: opts.timeLimitMs }));
      }, opts.timeLimitMs);
      c.on('message', onMessage);
      c.on('exit', onExit);
      c.send({ id, dbPath: opts.dbPath, busyTimeoutMs: opts.busyTimeoutMs, sql, params, rowCap: opts.rowCap });
    });
  };

  return {
    run(sql, params) {
      if (stopped) return Promise.reject(new BerthError('SHUTTING_DOWN', 'the app is stopping'));
      const shape = checkReadOnlySql(sql);
      const missing = shape.params.filter((p) => params[p] === undefined);
      if (missing.length > 0) return Promise.reject(new BerthError('VALIDATION_FAILED', `missing value for parameter :${missing[0]}`, { missing }));
      const bound = Object.fromEntries(shape.params.map((p) => [p, params[p]!]));
      if (waiting >= MAX_WAITING) return Promise.reject(new BerthError('TOO_BUSY', 'too many queries are waiting; retry shortly'));
      waiting++;
      // Queries run one after another; each waits only for the ones before it (each bounded by the limit).
      const result = chain.then(() => runOne(sql, bound));
      chain = result.catch(() => undefined).finally(() => {
        waiting--;
      });
      return result;
    },
    async stop() {
      stopped = true;
      clearTimeout(idleTimer);
      await killChild();
    },
  };
}
