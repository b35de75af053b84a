// JSON API for instances and their members: everything the dashboard and instance pages do.
import type { FastifyInstance } from 'fastify';
import { acceptInvitations } from '../auth/invitations.js';
import { listMembers, removeMember } from '../auth/memberships.js';
import { BerthError } from '../errors.js';
import type { AppDeps } from './app-deps.js';
import { errorResponses, memberSchema, slugParamsSchema, tenantSchema, toApiMember, toApiTenant } from './api-schemas.js';
import { requireSession, verifyApiCsrf } from './request-auth.js';
import { createTenant, deleteTenant, requireOwner, requireTenant } from '../tenants/tenant-commands.js';
import { listTenantsForUser } from '../tenants/tenant-views.js';

const tags = ['instances'];

export function registerTenantApiRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/v1/tenants', {
    schema: {
      summary: "The signed-in user's instances with their live state",
      tags,
      response: { 200: { type: 'object', required: ['tenants'], properties: { tenants: { type: 'array', items: tenantSchema } } }, ...errorResponses(401) },
    },
  }, async (req) => {
    const session = requireSession(deps, req);
    // Someone already signed in joins what they were invited to without logging in again.
    acceptInvitations(deps.db, session.user, Date.now());
    return { tenants: listTenantsForUser(deps.db, deps.config, session.user.id, Date.now()).map(toApiTenant) };
  });

  app.post<{ Body: { slug: string } }>('/api/v1/tenants', {
    schema: {
      summary: 'Create an instance at <slug>.<domain>; it is created asynchronously (state "creating")',
      tags,
      body: { type: 'object', required: ['slug'], additionalProperties: false, properties: { slug: { type: 'string', maxLength: 63 } } },
      response: { 201: tenantSchema, ...errorResponses(400, 401, 403, 409, 422) },
    },
  }, async (req, reply) => {
    const session = requireSession(deps, req);
    verifyApiCsrf(deps, req, session);
    const tenant = createTenant(deps, session.user, req.body.slug, Date.now());
    return reply.status(201).send(toApiTenant(tenant));
  });

  app.get<{ Params: { slug: string } }>('/api/v1/tenants/:slug', {
    schema: { summary: 'One instance', tags, params: slugParamsSchema, response: { 200: tenantSchema, ...errorResponses(401, 404) } },
  }, async (req) => {
    const session = requireSession(deps, req);
    return toApiTenant(requireTenant(deps, session.user, req.params.slug));
  });

  app.delete<{ Params: { slug: string } }>('/api/v1/tenants/:slug', {
    schema: {
      summary: 'Delete an instance (owner only); its volume is kept for the retention period',
      tags,
      params: slugParamsSchema,
      response: { 204: { description: 'Deleted', type: 'null' }, ...errorResponses(401, 403, 404) },
    },
  }, async (req, reply) => {
    const session = requireSession(deps, req);
    verifyApiCsrf(deps, req, session);
    deleteTenant(deps, session.user, requireTenant(deps, session.user, req.params.slug), Date.now());
    return reply.status(204).send();
  });

  app.get<{ Params: { slug: string } }>('/api/v1/tenants/:slug/members', {
    schema: {
      summary: 'Members of an instance',
      tags,
      params: slugParamsSchema,
      response: { 200: { type: 'object', required: ['members'], properties: { members: { type: 'array', items: memberSchema } } }, ...errorResponses(401, 404) },
    },
  }, async (req) => {
    const session = requireSession(deps, req);
    const tenant = requireTenant(deps, session.user, req.params.slug);
    return { members: listMembers(deps.db, tenant.id).map(toApiMember) };
  });

  app.delete<{ Params: { slug: string; userId: number } }>('/api/v1/tenants/:slug/members/:userId', {
    schema: {
      summary: 'Remove a member (the owner removes anyone but themselves; a member can leave); effective at their next request',
      tags,
      params: { type: 'object', required: ['slug', 'userId'], properties: { slug: { type: 'string', maxLength: 63 }, userId: { type: 'integer' } } },
      response: { 204: { description: 'Removed', type: 'null' }, ...errorResponses(401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const session = requireSession(deps, req);
    verifyApiCsrf(deps, req, session);
    const tenant = requireTenant(deps, session.user, req.params.slug);
    if (req.params.userId !== session.user.id) requireOwner(tenant, 'remove members');
    else if (tenant.role === 'owner') throw new BerthError('CONFLICT', `The owner of ${tenant.slug} cannot leave it; delete it instead.`);
    removeMember(deps.db, tenant, req.params.userId, session.user.email, Date.now());
    return reply.status(204).send();
  });
}
