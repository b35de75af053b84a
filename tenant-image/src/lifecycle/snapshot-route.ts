// POST /__berth/snapshot — the control plane asks the running app to copy its database
// before a rollout (ROLLOUT.md step 0). The container has no shell and the control plane
// holds no tenant secret, so the app does it itself: VACUUM INTO a new file on the volume
// (a consistent, compact copy that includes what is still in the -wal; F10), renamed into
// place only once complete, keeping the newest `keep`. Like every /__berth/ endpoint it is
// refused when the request came through Traefik (X-Forwarded-For present).
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { BerthError } from '../errors.js';
import type { AppDeps } from '../http/app-deps.js';

const SNAPSHOT = /^tenant-\d{8}T\d{9}Z-[A-Za-z0-9_.-]+\.db$/;
const PARTIAL = /^\.tenant-.*\.partial$/;

export function registerSnapshotRoute(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Body: { keep?: number; label?: string } }>(
    '/__berth/snapshot',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            keep: { type: 'integer', minimum: 1, maximum: 100 },
            label: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          },
        },
      },
    },
    async (req) => {
      if (req.headers['x-forwarded-for'] !== undefined) {
        throw new BerthError('CONTROL_PLANE_ONLY', '/__berth/ endpoints are only for the control plane');
      }
      const keep = req.body?.keep ?? 3;
      const label = req.body?.label ?? 'manual';
      const dir = join(deps.config.dataDir, 'snapshots');
      mkdirSync(dir, { recursive: true });
      // Partial copies left by a crash mid-copy are never mistaken for snapshots.
      for (const name of readdirSync(dir)) if (PARTIAL.test(name)) rmSync(join(dir, name), { force: true });
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
      const name = `tenant-${stamp}-${label}.db`;
      const partial = join(dir, `.${name}.partial`);
      const started = performance.now();
      // A read transaction: writers (WAL) keep going while the copy is made.
      deps.db.prepare('VACUUM INTO ?').run(partial);
      renameSync(partial, join(dir, name));
      const ms = Math.round(performance.now() - started);
      const snapshots = readdirSync(dir).filter((n) => SNAPSHOT.test(n)).sort();
      const removed = snapshots.slice(0, Math.max(0, snapshots.length - keep));
      for (const old of removed) rmSync(join(dir, old), { force: true });
      deps.log.info('database snapshot', { file: name, ms, removed: removed.length });
      return { file: join(dir, name), bytes: statSync(join(dir, name)).size, ms, removed };
    },
  );
}
