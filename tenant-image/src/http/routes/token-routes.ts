// API tokens: the page (create, shown once; revoke) and the JSON API.
import type { FastifyInstance } from 'fastify';
import { createToken, listTokens, revokeToken } from '../../auth/api-tokens.js';
import { BerthError } from '../../errors.js';
import { renderPage } from '../../pages/layout.js';
import { renderTokensPage } from '../../pages/tokens-page.js';
import type { AppDeps } from '../app-deps.js';
import { requireSession } from '../auth-hooks.js';
import { frameFor } from '../page-context.js';

function tokenName(body: unknown): string {
  const name = (body as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) throw new BerthError('VALIDATION_FAILED', 'give the token a name of 1 to 100 characters', { field: 'name' });
  return name.trim();
}

function tokenId(s: string): number {
  const id = Number(s);
  if (!Number.isSafeInteger(id)) throw new BerthError('NOT_FOUND', 'no such token');
  return id;
}

export function registerTokenRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get('/tokens', async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(renderPage(frameFor(req, deps, { title: 'API tokens', section: 'tokens' }), renderTokensPage(listTokens(deps.readDb)))),
  );
  // Answers with the page itself (not a redirect) so the new token is shown once and never put in a URL.
  scope.post('/tokens', async (req, reply) => {
    requireSession(req.identity);
    const created = createToken(deps.db, tokenName(req.body), req.identity);
    return reply
      .status(201)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(renderPage(frameFor(req, deps, { title: 'API tokens', section: 'tokens' }), renderTokensPage(listTokens(deps.readDb), { name: created.record.name, token: created.token })));
  });
  scope.post<{ Params: { id: string } }>('/tokens/:id/revoke', async (req, reply) => {
    if (!revokeToken(deps.db, tokenId(req.params.id))) throw new BerthError('NOT_FOUND', 'no such token');
    return reply.redirect('/tokens', 303);
  });

  scope.get('/api/tokens', async () => ({ tokens: listTokens(deps.readDb) }));
  scope.post('/api/tokens', async (req, reply) => {
    requireSession(req.identity);
    const created = createToken(deps.db, tokenName(req.body), req.identity);
    return reply.status(201).header('cache-control', 'no-store').send({ token: created.token, ...created.record });
  });
  scope.delete<{ Params: { id: string } }>('/api/tokens/:id', async (req, reply) => {
    if (!revokeToken(deps.db, tokenId(req.params.id))) throw new BerthError('NOT_FOUND', 'no such token');
    return reply.status(204).send();
  });
}
