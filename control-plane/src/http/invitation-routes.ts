// Invitations, as JSON API and as forms of the instance page (auth/invitations.ts holds the
// rules). Inviting answers the same status and body shape whether or not an account uses the
// address; only owners invite, list and revoke (SECURITY.md, roles table).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inviteByEmail, listInvitations, revokeInvitation, type Invitation } from '../auth/invitations.js';
import type { Session } from '../auth/sessions.js';
import { BerthError } from '../errors.js';
import { renderInstance } from '../pages/instance-page.js';
import { requireOwner, requireTenant } from '../tenants/tenant-commands.js';
import type { TenantView } from '../tenants/tenant-views.js';
import { instancePageParts } from './access-routes.js';
import type { AppDeps } from './app-deps.js';
import { errorResponses } from './api-schemas.js';
import { PAGE_ROUTE, redirectToLogin, sendPage } from './page-replies.js';
import { readSession, requireSession, verifyApiCsrf, verifyCsrf } from './request-auth.js';

const tags = ['instances'];
const slug = { type: 'string', maxLength: 63 } as const;
const slugParams = { type: 'object', required: ['slug'], properties: { slug } } as const;
const idParams = { type: 'object', required: ['slug', 'id'], properties: { slug, id: { type: 'integer' } } } as const;
const csrfOnly = { _csrf: { type: 'string', maxLength: 128 } } as const;

export const invitationSchema = {
  type: 'object',
  required: ['id', 'email', 'role', 'status', 'invitedBy', 'invitedAt', 'expiresAt'],
  properties: {
    id: { type: 'integer' },
    email: { type: 'string' },
    role: { type: 'string', enum: ['member', 'viewer'], description: 'The role the invitee gets on joining' },
    status: { type: 'string', enum: ['invited'], description: 'Always "invited": whether an account uses the address is not revealed' },
    invitedBy: { type: 'string' },
    invitedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

export function toApiInvitation(i: Invitation) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return { id: i.id, email: i.email, role: i.role, status: 'invited' as const, invitedBy: i.invitedBy, invitedAt: iso(i.invitedAt), expiresAt: iso(i.expiresAt) };
}

export function registerInvitationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db, config } = deps;

  app.get<{ Params: { slug: string } }>('/api/v1/tenants/:slug/invitations', {
    schema: {
      summary: 'Invitations waiting for someone to sign up or log in with their address (owner only)',
      tags,
      params: slugParams,
      response: { 200: { type: 'object', required: ['invitations'], properties: { invitations: { type: 'array', items: invitationSchema } } }, ...errorResponses(401, 403, 404) },
    },
  }, async (req) => {
    const s = requireSession(deps, req);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    requireOwner(tenant, 'see invitations');
    return { invitations: listInvitations(db, tenant.id, Date.now()).map(toApiInvitation) };
  });

  app.post<{ Params: { slug: string }; Body: { email: string; role?: string } }>('/api/v1/tenants/:slug/invitations', {
    schema: {
      summary: 'Invite an email address (owner only); it joins with the role when someone signs up or logs in with it. The answer is the same whether or not an account uses the address',
      tags,
      params: slugParams,
      body: {
        type: 'object',
        required: ['email'],
        additionalProperties: false,
        properties: { email: { type: 'string', maxLength: 320 }, role: { type: 'string', maxLength: 20, description: 'member (default) or viewer' } },
      },
      response: { 201: invitationSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 429) },
    },
  }, async (req, reply) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    requireOwner(tenant, 'invite members');
    const invitation = inviteByEmail(db, config, tenant, s.user, req.body.email, req.body.role, Date.now());
    return reply.status(201).send(toApiInvitation(invitation));
  });

  app.delete<{ Params: { slug: string; id: number } }>('/api/v1/tenants/:slug/invitations/:id', {
    schema: {
      summary: 'Revoke an invitation (owner only)',
      tags,
      params: idParams,
      response: { 204: { description: 'Revoked', type: 'null' }, ...errorResponses(401, 403, 404) },
    },
  }, async (req, reply) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    requireOwner(tenant, 'revoke invitations');
    revokeInvitation(db, tenant, req.params.id, s.user.email, Date.now());
    return reply.status(204).send();
  });

  const page = (reply: FastifyReply, s: Session, tenant: TenantView, status: number, extra: { error?: string; inviteEmail?: string } = {}) =>
    sendPage(reply, renderInstance({ user: { id: s.user.id, email: s.user.email, csrfToken: s.csrfToken }, tenant, ...instancePageParts(deps, s, tenant), ...extra }), status);

  /** An owner's form post: session, CSRF, owner check, then the action and back to the member
   *  list; a refusal re-renders the page with its message (and Retry-After on a 429). */
  const ownerForm = (req: FastifyRequest, reply: FastifyReply, slug: string, csrf: string | undefined, what: string,
    extra: { inviteEmail?: string }, action: (s: Session, tenant: TenantView) => void) => {
    const s = readSession(deps, req);
    if (!s) return redirectToLogin(reply, req);
    verifyCsrf(req, config.publicUrl, s.csrfToken, csrf);
    const tenant = requireTenant(deps, s.user, slug);
    try {
      requireOwner(tenant, what);
      action(s, tenant);
      return reply.redirect(`/instances/${tenant.slug}#members`, 303);
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      if (err.status === 429) reply.header('retry-after', String(err.details?.retryAfterS ?? 60));
      return page(reply, s, tenant, err.status, { error: err.message, ...extra });
    }
  };

  app.post<{ Params: { slug: string }; Body: { email?: string; role?: string; _csrf?: string } }>('/instances/:slug/invitations', {
    config: PAGE_ROUTE,
    schema: { params: slugParams, body: { type: 'object', properties: { email: { type: 'string', maxLength: 320 }, role: { type: 'string', maxLength: 20 }, ...csrfOnly } } },
  }, async (req, reply) =>
    // The same redirect either way: the page lists the address under "Invited".
    ownerForm(req, reply, req.params.slug, req.body?._csrf, 'invite members', { inviteEmail: req.body?.email }, (s, tenant) => {
      inviteByEmail(db, config, tenant, s.user, req.body?.email ?? '', req.body?.role, Date.now());
    }));

  app.post<{ Params: { slug: string; id: number }; Body: { _csrf?: string } }>('/instances/:slug/invitations/:id/revoke', {
    config: PAGE_ROUTE,
    schema: { params: idParams, body: { type: 'object', properties: csrfOnly } },
  }, async (req, reply) =>
    ownerForm(req, reply, req.params.slug, req.body?._csrf, 'revoke invitations', {}, (s, tenant) => {
      revokeInvitation(db, tenant, req.params.id, s.user.email, Date.now());
    }));
}
