// Who may do what on an instance, from the control plane: API tokens (create, list, revoke) and
// members' roles, as JSON API and as forms of the instance page. Tokens are made here and never
// by the tenant, which holds no secret; ForwardAuth checks them on every request (bearer-auth.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createApiToken, listApiTokens, revokeApiToken, type ApiToken, type TokenHolder } from '../auth/api-tokens.js';
import { listInvitations } from '../auth/invitations.js';
import { listMembers, setMemberRole } from '../auth/memberships.js';
import type { Session } from '../auth/sessions.js';
import { BerthError } from '../errors.js';
import { renderInstance } from '../pages/instance-page.js';
import type { TenantView } from '../tenants/tenant-views.js';
import { requireOwner, requireTenant } from '../tenants/tenant-commands.js';
import type { AppDeps } from './app-deps.js';
import { errorResponses, memberSchema, toApiMember } from './api-schemas.js';
import { PAGE_ROUTE, redirectToLogin, sendPage } from './page-replies.js';
import { readSession, requireSession, verifyApiCsrf, verifyCsrf } from './request-auth.js';

const tags = ['instances'];
const slug = { type: 'string', maxLength: 63 } as const;
const idParams = (name: string) => ({ type: 'object', required: ['slug', name], properties: { slug, [name]: { type: 'integer' } } }) as const;
const tokenBody = {
  type: 'object',
  required: ['name', 'scope'],
  properties: { name: { type: 'string', maxLength: 200 }, scope: { type: 'string', maxLength: 10 }, days: { type: 'integer' } },
} as const;

export const apiTokenSchema = {
  type: 'object',
  required: ['id', 'name', 'hint', 'scope', 'email', 'createdAt', 'expiresAt', 'lastUsedAt'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    hint: { type: 'string', description: 'The first characters, to tell tokens apart' },
    scope: { type: 'string', enum: ['read', 'write'], description: 'read: viewer rights; write: the holder\'s role' },
    email: { type: 'string', description: 'Who the token acts for' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

function toApiToken(t: ApiToken) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return { id: t.id, name: t.name, hint: t.hint, scope: t.scope, email: t.email, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), lastUsedAt: t.lastUsedAt === null ? null : iso(t.lastUsedAt) };
}

const holderOf = (s: Session, tenant: TenantView): TokenHolder => ({ userId: s.user.id, email: s.user.email, role: tenant.role });

/** What the instance page shows besides the tenant itself; instance-page-routes.ts uses it too. */
export function instancePageParts(deps: Pick<AppDeps, 'db' | 'config'>, s: Session, tenant: TenantView) {
  return {
    members: listMembers(deps.db, tenant.id),
    // Only owners invite, so only they see who is invited.
    invitations: tenant.role === 'owner' ? listInvitations(deps.db, tenant.id, Date.now()) : [],
    tokens: listApiTokens(deps.db, tenant.id, holderOf(s, tenant), Date.now()),
    tokenMaxDays: deps.config.apiTokenMaxDays,
    retentionHours: deps.config.volumeRetentionHours,
  };
}

export function registerAccessRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, config } = deps;

  app.get<{ Params: { slug: string } }>('/api/v1/tenants/:slug/tokens', {
    schema: {
      summary: "API tokens of an instance: an owner sees everyone's, anyone else their own",
      tags,
      params: { type: 'object', required: ['slug'], properties: { slug } },
      response: { 200: { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: apiTokenSchema } } }, ...errorResponses(401, 404) },
    },
  }, async (req) => {
    const s = requireSession(deps, req);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    return { tokens: listApiTokens(db, tenant.id, holderOf(s, tenant), Date.now()).map(toApiToken) };
  });

  app.post<{ Params: { slug: string }; Body: { name: string; scope: string; days?: number } }>('/api/v1/tenants/:slug/tokens', {
    schema: {
      summary: 'Create an API token acting for you on this instance; the value is in this answer only',
      tags,
      params: { type: 'object', required: ['slug'], properties: { slug } },
      body: { ...tokenBody, additionalProperties: false },
      response: {
        201: { type: 'object', required: ['token', ...apiTokenSchema.required], properties: { token: { type: 'string' }, ...apiTokenSchema.properties } },
        ...errorResponses(401, 403, 404, 422),
      },
    },
  }, async (req, reply) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    const created = createApiToken(db, tenant, holderOf(s, tenant), req.body, config.apiTokenMaxDays, Date.now());
    return reply.status(201).header('cache-control', 'no-store').send({ token: created.token, ...toApiToken(created.record) });
  });

  app.delete<{ Params: { slug: string; id: number } }>('/api/v1/tenants/:slug/tokens/:id', {
    schema: {
      summary: 'Revoke an API token (your own; an owner, anyone\'s); effective at its next request',
      tags,
      params: idParams('id'),
      response: { 204: { description: 'Revoked', type: 'null' }, ...errorResponses(401, 403, 404) },
    },
  }, async (req, reply) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    revokeApiToken(db, tenant, req.params.id, holderOf(s, tenant), Date.now());
    return reply.status(204).send();
  });

  app.put<{ Params: { slug: string; userId: number }; Body: { role: string } }>('/api/v1/tenants/:slug/members/:userId', {
    schema: {
      summary: "Change a member's role to member or viewer (owner only); effective at their next request",
      tags,
      params: idParams('userId'),
      body: { type: 'object', required: ['role'], additionalProperties: false, properties: { role: { type: 'string', maxLength: 20 } } },
      response: { 200: memberSchema, ...errorResponses(401, 403, 404, 409, 422) },
    },
  }, async (req) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    requireOwner(tenant, 'change roles');
    return toApiMember(setMemberRole(db, tenant, req.params.userId, req.body.role, s.user.email, Date.now()));
  });

  registerAccessPageRoutes(app, deps);
}

function registerAccessPageRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, config } = deps;
  const csrfOnly = { _csrf: { type: 'string', maxLength: 128 } } as const;
  const page = (reply: FastifyReply, s: Session, tenant: TenantView, status: number, extra: { error?: string; newToken?: { name: string; token: string } } = {}) =>
    sendPage(reply, renderInstance({ user: { id: s.user.id, email: s.user.email, csrfToken: s.csrfToken }, tenant, ...instancePageParts(deps, s, tenant), ...extra }), status);

  /** The session and tenant behind a form post after the CSRF check; null means "go log in". */
  const formContext = (req: FastifyRequest<{ Params: { slug: string } }>, token: string | undefined): { s: Session; tenant: TenantView } | null => {
    const s = readSession(deps, req);
    if (!s) return null;
    verifyCsrf(req, config.publicUrl, s.csrfToken, token);
    return { s, tenant: requireTenant(deps, s.user, req.params.slug) };
  };

  app.post<{ Params: { slug: string }; Body: { name?: string; scope?: string; days?: string; _csrf?: string } }>('/instances/:slug/tokens', {
    config: PAGE_ROUTE,
    schema: {
      params: { type: 'object', required: ['slug'], properties: { slug } },
      body: { type: 'object', properties: { name: { type: 'string', maxLength: 200 }, scope: { type: 'string', maxLength: 10 }, days: { type: 'string', maxLength: 10 }, ...csrfOnly } },
    },
  }, async (req, reply) => {
    const ctx = formContext(req, req.body?._csrf);
    if (!ctx) return redirectToLogin(reply, req);
    const { s, tenant } = ctx;
    try {
      const days = req.body?.days?.trim() ? Number(req.body.days) : undefined;
      const created = createApiToken(db, tenant, holderOf(s, tenant), { name: req.body?.name ?? '', scope: req.body?.scope ?? 'read', ...(days === undefined ? {} : { days }) }, config.apiTokenMaxDays, Date.now());
      // The page itself answers (no redirect), so the value is shown once and never put in a URL or history.
      reply.header('cache-control', 'no-store');
      return page(reply, s, tenant, 201, { newToken: { name: created.record.name, token: created.token } });
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return page(reply, s, tenant, err.status, { error: err.message });
    }
  });

  app.post<{ Params: { slug: string; id: number }; Body: { _csrf?: string } }>('/instances/:slug/tokens/:id/revoke', {
    config: PAGE_ROUTE,
    schema: { params: idParams('id'), body: { type: 'object', properties: csrfOnly } },
  }, async (req, reply) => {
    const ctx = formContext(req, req.body?._csrf);
    if (!ctx) return redirectToLogin(reply, req);
    try {
      revokeApiToken(db, ctx.tenant, req.params.id, holderOf(ctx.s, ctx.tenant), Date.now());
      return reply.redirect(`/instances/${ctx.tenant.slug}#tokens`, 303);
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return page(reply, ctx.s, ctx.tenant, err.status, { error: err.message });
    }
  });

  app.post<{ Params: { slug: string; userId: number }; Body: { role?: string; _csrf?: string } }>('/instances/:slug/members/:userId/role', {
    config: PAGE_ROUTE,
    schema: { params: idParams('userId'), body: { type: 'object', properties: { role: { type: 'string', maxLength: 20 }, ...csrfOnly } } },
  }, async (req, reply) => {
    const ctx = formContext(req, req.body?._csrf);
    if (!ctx) return redirectToLogin(reply, req);
    try {
      requireOwner(ctx.tenant, 'change roles');
      setMemberRole(db, ctx.tenant, req.params.userId, req.body?.role ?? '', ctx.s.user.email, Date.now());
      return reply.redirect(`/instances/${ctx.tenant.slug}`, 303);
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return page(reply, ctx.s, ctx.tenant, err.status, { error: err.message });
    }
  });
}
