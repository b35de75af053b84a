// Litestream's command line for one lineage: `restore` (a copy of the database as it was at a
// moment, or its latest point) and `ltx` (the transaction files the lineage holds). Each call
// gets a configuration naming that lineage's replica (file or bucket), written beside
// Litestream's own and removed after: the same replica settings the supervisor replicates with.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { replicaFor, type ReplicaTarget } from './replication-plan.js';

export interface LineageRef {
  readonly slug: string;
  readonly lineageId: number;
  /** The database file the lineage replicates (only a name for Litestream to match; never read). */
  readonly dbPath: string;
}

export interface LitestreamCli {
  /** Restores the lineage as it was at `at` (unix ms), or its latest point, into `out` (must not exist). */
  restore(ref: LineageRef, out: string, at: number | null, signal?: AbortSignal): Promise<void>;
  /** The lineage's transaction files at every level ([] when it has none). */
  ltx(ref: LineageRef, signal?: AbortSignal): Promise<LtxFile[]>;
}

/** One entry of `litestream ltx -json`. */
export interface LtxFile {
  readonly level: number;
  readonly minTxid: string;
  readonly maxTxid: string;
  readonly size: number;
  /** Unix ms (Litestream gives whole seconds). */
  readonly at: number;
}

export function createLitestreamCli(opts: { bin: string; stateDir: string; target: ReplicaTarget }): LitestreamCli {
  async function withConfig<T>(ref: LineageRef, fn: (cfg: string) => Promise<T>): Promise<T> {
    const dir = join(opts.stateDir, 'litestream');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const cfg = join(dir, `cli-${ref.slug}-${randomBytes(4).toString('hex')}.yml`);
    writeFileSync(cfg, JSON.stringify({ dbs: [{ path: ref.dbPath, replica: replicaFor(ref.slug, ref.lineageId, opts.target) }] }), { mode: 0o600 });
    try {
      return await fn(cfg);
    } finally {
      rmSync(cfg, { force: true });
    }
  }

  function run(args: string[], what: string, signal?: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(opts.bin, args, { signal, timeout: 600_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new BerthError('RESTORE_FAILED', `litestream ${what}: ${stderr.trim().split('\n').slice(-3).join(' | ') || err.message}`));
        else resolve(stdout);
      });
    });
  }

  return {
    restore: (ref, out, at, signal) => withConfig(ref, async (cfg) => {
      await run(['restore', '-config', cfg, '-o', out, ...(at === null ? [] : ['-timestamp', new Date(at).toISOString()]), ref.dbPath], 'restore', signal);
    }),
    ltx: (ref, signal) => withConfig(ref, async (cfg) => {
      // A lineage without files yet (or with no directory at all) lists as [].
      return parseLtxJson(await run(['ltx', '-config', cfg, '-level', 'all', '-json', ref.dbPath], 'ltx', signal));
    }),
  };
}

/** `litestream ltx -json` output → entries. Pure. */
export function parseLtxJson(text: string): LtxFile[] {
  const raw = text.trim() === '' ? [] : (JSON.parse(text) as unknown);
  if (!Array.isArray(raw)) throw new BerthError('RESTORE_FAILED', 'litestream ltx: not a JSON list');
  return raw.map((e: { level: number; min_txid: string; max_txid: string; size: number; timestamp: string }) => ({
    level: e.level, minTxid: e.min_txid, maxTxid: e.max_txid, size: e.size, at: Date.parse(e.timestamp),
  }));
}
