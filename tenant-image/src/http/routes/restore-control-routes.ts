// The control plane's side of an owner's restore and download (it checked the owner role and
// CSRF; these routes are only reachable from the host, control-routes.ts refuses anything that
// came through Traefik). The files named here are ones the control plane placed in, or takes
// from, the data directory on the host; the patterns keep any other path out.
import type { FastifyInstance } from 'fastify';
import { copyDatabase } from '../../db/database-copy.js';
import type { Actor } from '../../edits/activity-log.js';
import { restoreTable, undoTableReplace, type TableRestoreMode } from '../../edits/table-restore.js';
import type { AppDeps } from '../app-deps.js';

const actorSchema = {
  type: 'object',
  required: ['userId', 'email'],
  additionalProperties: false,
  properties: { userId: { type: 'string', maxLength: 64 }, email: { type: 'string', maxLength: 320 } },
} as const;

type ActorBody = { userId: string; email: string };
const actorOf = (a: ActorBody): Actor => ({ userId: a.userId, email: a.email, via: 'session' });

export function registerRestoreControlRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Body: { file: string; table: string; mode: TableRestoreMode; at: number; actor: ActorBody } }>('/__berth/restore-table', {
    schema: {
      body: {
        type: 'object',
        required: ['file', 'table', 'mode', 'at', 'actor'],
        additionalProperties: false,
        properties: {
          file: { type: 'string', maxLength: 80 },
          table: { type: 'string', minLength: 1, maxLength: 200 },
          mode: { type: 'string', enum: ['beside', 'replace'] },
          at: { type: 'integer', minimum: 0 },
          actor: actorSchema,
        },
      },
    },
  }, async (req) => {
    const { file, table, mode, at, actor } = req.body;
    const result = restoreTable(deps.db, deps.config.dataDir, { file, table, mode, at, actor: actorOf(actor) });
    deps.log.info('table restored', { table, mode, at, restoredAs: result.restoredAs, keptAs: result.keptAs, rows: result.rows });
    return result;
  });

  scope.post<{ Body: { table: string; keptAs: string; actor: ActorBody } }>('/__berth/undo-table-restore', {
    schema: {
      body: {
        type: 'object',
        required: ['table', 'keptAs', 'actor'],
        additionalProperties: false,
        properties: { table: { type: 'string', minLength: 1, maxLength: 200 }, keptAs: { type: 'string', minLength: 1, maxLength: 260 }, actor: actorSchema },
      },
    },
  }, async (req) => {
    const result = undoTableReplace(deps.db, req.body.table, req.body.keptAs, actorOf(req.body.actor));
    deps.log.info('table restore undone', { table: req.body.table, keptAs: req.body.keptAs });
    return result;
  });

  scope.post('/__berth/database-copy', async () => {
    const copy = copyDatabase(deps.db, deps.config.dataDir);
    deps.log.info('database copy for download', { ...copy });
    return copy;
  });
}
