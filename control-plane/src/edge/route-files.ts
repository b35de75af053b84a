// Traefik's watched directory, seen as a set of route files. Only t-<slug>.yml and
// _shared.yml are ours; other files (the foundation's _tls.yml) are never touched.
// What a file holds is route-text.ts's (pure); this module only reads and writes files.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouteDocument } from '../tenants/route.js';
import { renderRoute } from './route-text.js';

const ROUTE_FILE = /^t-([a-z0-9][a-z0-9-]*)\.yml$/;
const SHARED_FILE = '_shared.yml';
// A temp file ends in .tmp-<pid>-<seq>: Traefik only loads .yml/.yaml/.toml, so it never loads one.
const TEMP_FILE = /^\.(t-[a-z0-9-]+|_shared)\.yml\.tmp-\d+-\d+$/;
// Temp files are written in this subdirectory, then renamed into the watched directory. Traefik
// watches the directory itself, not its subdirectories, so a write is ONE event (the rename) for
// it: with the temp file beside the route, creating it already woke Traefik, which re-read the
// directory before the rename and then held the real change back for providersThrottleDuration
// (measured: route written → first 200 took 218 ms, 10 ms without the extra event).
const STAGING_DIR = '.staging';
let tempSeq = 0;

export interface RouteFiles {
  readonly dir: string;
  /** Creates the directory and removes temp files a crash left behind. */
  init(): Promise<void>;
  /** Current text of every tenant route file, by slug. */
  readAll(): Promise<Map<string, string>>;
  /** Text of one tenant's route file, or undefined when it has none. */
  read(slug: string): Promise<string | undefined>;
  write(slug: string, doc: RouteDocument): Promise<void>;
  remove(slug: string): Promise<void>;
  writeShared(doc: unknown): Promise<void>;
}

export function createRouteFiles(dir: string): RouteFiles {
  const fileFor = (slug: string) => `t-${slug}.yml`;
  return {
    dir,
    async init() {
      await mkdir(join(dir, STAGING_DIR), { recursive: true });
      // Also the watched directory itself: earlier versions wrote their temp files there.
      for (const d of [dir, join(dir, STAGING_DIR)]) {
        for (const name of await readdir(d)) if (TEMP_FILE.test(name)) await rm(join(d, name), { force: true });
      }
    },
    async readAll() {
      const out = new Map<string, string>();
      const names = (await readdir(dir)).filter((n) => ROUTE_FILE.test(n));
      await Promise.all(
        names.map(async (name) => {
          try {
            out.set(ROUTE_FILE.exec(name)![1]!, await readFile(join(dir, name), 'utf8'));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          }
        }),
      );
      return out;
    },
    async read(slug) {
      try {
        return await readFile(join(dir, fileFor(slug)), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    write: (slug, doc) => writeAtomically(dir, fileFor(slug), renderRoute(doc)),
    async remove(slug) {
      try {
        await unlink(join(dir, fileFor(slug)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },
    writeShared: (doc) => writeAtomically(dir, SHARED_FILE, renderRoute(doc)),
  };
}

/**
 * Temp file on the same filesystem, fsync, rename into the watched directory (F12): Traefik
 * sees the old file or the new one, never a half-written one. Sync I/O for the write+fsync
 * keeps it one short step.
 */
async function writeAtomically(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, STAGING_DIR, `.${name}.tmp-${process.pid}-${++tempSeq}`);
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  await rename(tmp, join(dir, name));
}
