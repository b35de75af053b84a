// Litestream replicating one benchmark container's database, configured and run exactly as the
// control plane does it for a tenant (its litestreamConfig, its default intervals, a file
// replica, its nice value), for ./berth bench import --replicate: the import's speed with replication on.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { setPriority } from 'node:os';
import { waitFor } from '@berth/common/wait-for';
import { SETTINGS } from '../../control-plane/src/config.js';
import { litestreamConfig, TENANT_DB_FILE } from '../../control-plane/src/backup/replication-plan.js';
import { LITESTREAM_NICE } from '../../control-plane/src/backup/litestream-process.js';
import { stopProcess } from '../src/stop-process.js';
import { docker } from '../src/docker-cli.js';

const setting = (name: string) => SETTINGS.find((s) => s.name === name)!.default;

export interface BenchReplication {
  readonly replicaDir: string;
  /** Bytes Litestream has written to the replica so far. */
  replicatedBytes(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts Litestream on the volume's tenant database and waits until it replicates it. */
export async function replicateVolume(volume: string, dir: string): Promise<BenchReplication> {
  const mountpoint = (await docker('volume', 'inspect', '-f', '{{.Mountpoint}}', volume)).trim();
  const dbPath = join(mountpoint, TENANT_DB_FILE);
  const backupDir = join(dir, 'backups');
  const socketPath = join(dir, 'litestream.sock');
  mkdirSync(backupDir, { recursive: true });
  const config = litestreamConfig([{ tenantId: 1, slug: 'bench', dbPath, lineageId: 1 }], {
    backupDir, s3: null, socketPath,
    retentionHours: Number(setting('BERTH_BACKUP_RETENTION_HOURS')),
    syncIntervalMs: Number(setting('BERTH_BACKUP_SYNC_INTERVAL_MS')),
  });
  const configPath = join(dir, 'litestream.yml');
  writeFileSync(configPath, JSON.stringify(config));
  const bin = setting('BERTH_LITESTREAM_BIN');
  const child = spawn(bin, ['replicate', '-config', configPath], { stdio: ['ignore', 'ignore', 'inherit'] });
  setPriority(child.pid!, LITESTREAM_NICE);
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`litestream exited with ${child.exitCode}`);
    const list = await socketGet(socketPath, '/list').catch(() => null) as { databases?: { status: string }[] } | null;
    return list?.databases?.[0]?.status === 'replicating';
  }, { timeoutMs: 20_000, what: 'Litestream replicating the bench database' });
  const replicaDir = join(backupDir, 'bench', '1');
  return {
    replicaDir,
    replicatedBytes: () => duBytes(replicaDir),
    stop: () => stopProcess(child, 'SIGTERM', 30_000),
  };
}

function duBytes(path: string): Promise<number> {
  return new Promise((resolve) => {
    const du = spawn('du', ['-sb', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    du.stdout.on('data', (c: Buffer) => (out += c.toString()));
    du.on('close', () => resolve(Number(out.split('\t')[0]) || 0));
  });
}

function socketGet(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path, timeout: 2000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        try {
          resolve(JSON.parse(text));
        } catch (err) {
          reject(err);
        }
      });
    }).on('error', reject);
  });
}
