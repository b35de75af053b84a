// Pinning an instance awake (never hibernated while pinned; pinning wakes it): the operators'
// API (./berth tenants pin|unpin SLUG, operator token or admin session + CSRF header) and the
// admin page's toggle (form with the session's CSRF token).
import type { FastifyInstance } from 'fastify';
import { BerthError } from '../errors.js';
import { setPinnedAwake } from '../tenants/tenant-store.js';
import { errorResponses } from './api-schemas.js';
import type { AppDeps } from './app-deps.js';
import { operatorName, operatorOf, requireAdmin } from './operator-auth.js';
import { PAGE_ROUTE } from './page-replies.js';
import { verifyCsrf } from './request-auth.js';
import { adminSecurity } from './rollout-schemas.js';

const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 63 } } } as const;

export function registerPinRoutes(app: FastifyInstance, deps: AppDeps): void {
  const pin = (slug: string, pinned: boolean, actor: string) => {
    if (!setPinnedAwake(deps.db, slug, pinned, actor, Date.now())) throw new BerthError('NOT_FOUND', `No running instance called ${slug}.`);
    // Pinning a sleeper wakes it: the reconciler starts it now.
    deps.nudge();
  };

  app.put<{ Params: { slug: string }; Body: { pinned: boolean } }>('/api/v1/admin/tenants/:slug/pin', {
    preHandler: requireAdmin(deps),
    schema: {
      summary: 'Pin an instance awake (it is never hibernated, and wakes now) or unpin it (admins only)',
      tags: ['admin'], security: adminSecurity,
      params: slugParams,
      body: { type: 'object', required: ['pinned'], additionalProperties: false, properties: { pinned: { type: 'boolean' } } },
      response: { 200: { type: 'object', required: ['slug', 'pinnedAwake'], properties: { slug: { type: 'string' }, pinnedAwake: { type: 'boolean' } } }, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    pin(req.params.slug, req.body.pinned, operatorName(operatorOf(req)));
    return { slug: req.params.slug, pinnedAwake: req.body.pinned };
  });

  app.post<{ Params: { slug: string }; Body: { pinned?: string; _csrf?: string } }>('/admin/tenants/:slug/pin', {
    config: PAGE_ROUTE,
    preHandler: requireAdmin(deps, { csrf: 'form' }),
    schema: { params: slugParams, body: { type: 'object', properties: { pinned: { type: 'string', enum: ['true', 'false'] }, _csrf: { type: 'string', maxLength: 128 } } } },
  }, async (req, reply) => {
    const op = operatorOf(req);
    if (op.kind === 'admin') verifyCsrf(req, deps.config.publicUrl, op.csrfToken, req.body?._csrf);
    pin(req.params.slug, req.body?.pinned === 'true', operatorName(op));
    return reply.redirect('/admin', 303);
  });
}
