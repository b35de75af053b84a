// A real S3-compatible server on loopback for the bucket replica test: the Versity S3 Gateway
// (versitygw) with its posix backend, where a bucket is a directory of the backend's root and
// an object is a file under it (key "a/b/c" → <root>/<bucket>/a/b/c). Object metadata goes to a
// sidecar directory, not extended attributes, so it runs on any file system (a tmpfs /tmp on
// an older kernel has no user xattrs). Built by infra/scripts/build-versitygw.sh into the cache
// (never committed).
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { stopProcess } from './stop-process.js';
import { waitFor } from '@berth/common/wait-for';

const CACHE_DIR = process.env.BERTH_CACHE_DIR ?? '/var/cache/berth';
const VERSITYGW_VERSION = process.env.VERSITYGW_VERSION ?? 'v1.8.0';
export const VERSITYGW_BIN = join(CACHE_DIR, 'versitygw', VERSITYGW_VERSION, 'versitygw');
const run = promisify(execFile);

export interface Versitygw {
  /** http://127.0.0.1:<port>, path-style. */
  readonly endpoint: string;
  readonly region: string;
  /** The root user's credentials (the only account). */
  readonly accessKey: string;
  readonly secretKey: string;
  /** Creates a bucket owned by the root user, through the gateway's own admin command (a signed request). */
  createBucket(name: string): Promise<void>;
  /** Keys of the objects under a prefix of a bucket, read from the posix backend's directory. */
  keys(bucket: string, prefix: string): string[];
  stop(): Promise<void>;
}

export async function startVersitygw(opts: { dir: string; accessKey: string; secretKey: string }): Promise<Versitygw> {
  if (!existsSync(VERSITYGW_BIN)) throw new Error(`no versitygw at ${VERSITYGW_BIN}: run ./berth up (infra/scripts/build-versitygw.sh) first`);
  const root = join(opts.dir, 'buckets');
  const sidecar = join(opts.dir, 'meta');
  mkdirSync(root, { recursive: true });
  mkdirSync(sidecar, { recursive: true });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  // Only PATH from this environment: no VGW_* or ROOT_* setting of the host leaks in.
  const gw = spawn(VERSITYGW_BIN, ['--port', `127.0.0.1:${port}`, '--region', region, '--health', '/health', 'posix', '--sidecar', sidecar, root], {
    env: { PATH: process.env.PATH ?? '', ROOT_ACCESS_KEY_ID: opts.accessKey, ROOT_SECRET_ACCESS_KEY: opts.secretKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(opts.dir, 'versitygw.log'));
  gw.stdout!.pipe(log, { end: false });
  gw.stderr!.pipe(log, { end: false });
  const stop = () => stopProcess(gw);
  try {
    await waitFor(async () => {
      if (gw.exitCode !== null) throw new Error(`versitygw exited (${gw.exitCode}); see ${join(opts.dir, 'versitygw.log')}`);
      return (await fetch(`${endpoint}/health`)).ok;
    }, { timeoutMs: 20_000, what: 'versitygw /health' });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoint, region, accessKey: opts.accessKey, secretKey: opts.secretKey,
    async createBucket(name) {
      await run(VERSITYGW_BIN, ['admin', '--access', opts.accessKey, '--secret', opts.secretKey, '--region', region, '--endpoint-url', endpoint,
        'create-bucket', '--owner', opts.accessKey, '--bucket', name], { env: { PATH: process.env.PATH ?? '' }, timeout: 20_000 });
    },
    keys(bucket, prefix) {
      const base = join(root, bucket);
      const dir = join(base, prefix);
      return existsSync(dir) ? filesUnder(dir).map((f) => relative(base, f)).sort() : [];
    },
    stop,
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}
