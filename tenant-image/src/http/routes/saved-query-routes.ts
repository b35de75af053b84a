// Saved queries: kept under a name from the SQL page (or the API), listed on the tables page,
// run again through the read-only SQL page (so the same guards and limits apply every time).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePermission } from '../../auth/permissions.js';
import { BerthError } from '../../errors.js';
import { deleteSavedQuery, getSavedQuery, listSavedQueries, saveQuery } from '../../edits/saved-queries.js';
import { queryString } from '../../pages/format.js';
import type { AppDeps } from '../app-deps.js';

type IdParams = { Params: { id: string } };

function parseId(s: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1) throw new BerthError('NOT_FOUND', `no saved query ${s}`);
  return n;
}

function fields(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

const truthy = (v: unknown) => v === true || v === '1' || v === 'on' || v === 'true';

/** The SQL page running a saved query. */
export function savedQueryRunPath(q: { sql: string; name: string }): string {
  return `/sql${queryString([['sql', q.sql], ['saved', q.name]])}`;
}

export function registerSavedQueryRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get('/api/queries', async () => ({ queries: listSavedQueries(deps.readDb) }));
  scope.post('/api/queries', async (req, reply) => {
    requirePermission(req.identity, 'query.save');
    const f = fields(req);
    return reply.status(201).send({ query: saveQuery(deps.db, { name: f.name, sql: f.sql, replace: truthy(f.replace) }, req.identity) });
  });
  scope.get<IdParams>('/api/queries/:id', async (req) => ({ query: getSavedQuery(deps.readDb, parseId(req.params.id)) }));
  scope.delete<IdParams>('/api/queries/:id', async (req, reply) => {
    requirePermission(req.identity, 'query.delete');
    deleteSavedQuery(deps.db, parseId(req.params.id), req.identity);
    return reply.status(204).send();
  });

  scope.post('/queries', async (req, reply) => {
    requirePermission(req.identity, 'query.save');
    const f = fields(req);
    const saved = saveQuery(deps.db, { name: f.name, sql: f.sql, replace: truthy(f.replace) }, req.identity);
    return reply.redirect(savedQueryRunPath(saved), 303);
  });
  scope.get<IdParams>('/queries/:id', async (req, reply) => reply.redirect(savedQueryRunPath(getSavedQuery(deps.readDb, parseId(req.params.id))), 303));
  scope.post<IdParams>('/queries/:id/delete', async (req, reply) => {
    requirePermission(req.identity, 'query.delete');
    deleteSavedQuery(deps.db, parseId(req.params.id), req.identity);
    return reply.redirect('/', 303);
  });
}
