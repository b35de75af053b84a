// A log file with a size cap, rotated in-process: when the next line would take the file past
// maxBytes it becomes <path>.1 (the older ones shift to .2 … .<keep>, the oldest dropped) and a
// new file is started. In-process because a berth host runs no logrotate or journald for us,
// and a process that rotates its own file never loses the lines written around a rotation.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LogFileOptions {
  readonly path: string;
  readonly maxBytes: number;
  /** Rotated files kept beside the current one (0: the file is simply started again). */
  readonly keep: number;
}

export interface LogFile {
  /** Appends one chunk (pino hands whole lines); synchronous, like pino's own destination. */
  write(chunk: string): void;
  close(): void;
}

export function openLogFile(opts: LogFileOptions): LogFile {
  if (!(opts.maxBytes > 0) || !Number.isInteger(opts.keep) || opts.keep < 0) throw new Error(`log file ${opts.path}: maxBytes must be > 0 and keep >= 0`);
  mkdirSync(dirname(opts.path), { recursive: true });
  let fd = openSync(opts.path, 'a');
  let size = fstatSync(fd).size;
  let failed = false;

  const rotate = () => {
    closeSync(fd);
    if (opts.keep === 0) rmSync(opts.path, { force: true });
    for (let i = opts.keep - 1; i >= 1; i--) {
      if (existsSync(`${opts.path}.${i}`)) renameSync(`${opts.path}.${i}`, `${opts.path}.${i + 1}`);
    }
    if (opts.keep > 0) renameSync(opts.path, `${opts.path}.1`);
    fd = openSync(opts.path, 'a');
    size = 0;
  };

  return {
    write(chunk) {
      const bytes = Buffer.from(chunk);
      try {
        if (size > 0 && size + bytes.length > opts.maxBytes) rotate();
        writeSync(fd, bytes);
        size += bytes.length;
        failed = false;
      } catch (err) {
        // A full disk must not take requests down with it; say so once on stderr per outage.
        if (!failed) process.stderr.write(`log file ${opts.path}: ${(err as Error).message}\n`);
        failed = true;
      }
    },
    close() {
      closeSync(fd);
    },
  };
}
