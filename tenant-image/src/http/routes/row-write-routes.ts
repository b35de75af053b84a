// POST /api/tables/:t/rows — acknowledged appends: answered only after COMMIT.
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../auth/permissions.js';
import { appendRows, validateAppendBody } from '../../tables/append-rows.js';
import { findTable } from '../../tables/catalog.js';
import { BerthError } from '../../errors.js';
import type { AppDeps } from '../app-deps.js';

export function registerRowWriteRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.post<{ Params: { table: string } }>('/api/tables/:table/rows', async (req, reply) => {
    requirePermission(req.identity, 'rows.append');
    // The write connection sees the schema as of now (the read one could lag an import's commit by nothing, but be safe).
    const table = findTable(deps.db, req.params.table);
    if (!table) throw new BerthError('NOT_FOUND', `no table named "${req.params.table}"`, { table: req.params.table });
    const rows = validateAppendBody(req.body, table, deps.config.maxAppendRows);
    const result = appendRows(deps.db, table, rows, req.identity);
    return reply.status(201).send({ table: table.name, ...result });
  });
}
