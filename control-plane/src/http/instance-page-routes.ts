// The signed-in pages: dashboard (list + create) at '/', and one page per instance with its
// members and deletion. Every form posts with the session's CSRF token and redirects after
// success (post/redirect/get); a failure re-renders the page with the message.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptInvitations } from '../auth/invitations.js';
import { removeMember } from '../auth/memberships.js';
import type { Session } from '../auth/sessions.js';
import { BerthError } from '../errors.js';
import { renderLanding } from '../pages/account-pages.js';
import { renderDashboard } from '../pages/dashboard-page.js';
import { renderInstance } from '../pages/instance-page.js';
import { instancePageParts } from './access-routes.js';
import type { AppDeps } from './app-deps.js';
import { PAGE_ROUTE, redirectToLogin, sendPage } from './page-replies.js';
import { readSession, verifyCsrf } from './request-auth.js';
import { createTenant, deleteTenant, requireOwner, requireTenant } from '../tenants/tenant-commands.js';
import { listTenantsForUser, type TenantView } from '../tenants/tenant-views.js';

const csrfOnly = { _csrf: { type: 'string', maxLength: 128 } } as const;
const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 63 } } } as const;

export function registerInstancePageRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { config, db } = deps;
  const pageUser = (s: Session) => ({ id: s.user.id, email: s.user.email, csrfToken: s.csrfToken });

  const dashboard = (reply: FastifyReply, s: Session, status: number, extra: { slug?: string; error?: string } = {}) =>
    sendPage(reply, renderDashboard({ user: pageUser(s), tenants: listTenantsForUser(db, config, s.user.id, Date.now()), domain: config.domain, ...extra }), status);

  const instance = (reply: FastifyReply, s: Session, tenant: TenantView, status: number, extra: { error?: string } = {}) =>
    sendPage(reply, renderInstance({ user: pageUser(s), tenant, ...instancePageParts(deps, s, tenant), ...extra }), status);

  /** The session behind a form post, after the CSRF check; null means "go log in". */
  const formSession = (req: FastifyRequest, token: string | undefined): Session | null => {
    const s = readSession(deps, req);
    if (s) verifyCsrf(req, config.publicUrl, s.csrfToken, token);
    return s;
  };

  app.get('/', { config: PAGE_ROUTE }, async (req, reply) => {
    const s = readSession(deps, req);
    if (!s) return sendPage(reply, renderLanding());
    // Someone already signed in joins what they were invited to without logging in again.
    acceptInvitations(db, s.user, Date.now());
    return dashboard(reply, s, 200);
  });

  app.post<{ Body: { slug?: string; _csrf?: string } }>('/instances', {
    config: PAGE_ROUTE,
    schema: { body: { type: 'object', properties: { slug: { type: 'string', maxLength: 63 }, ...csrfOnly } } },
  }, async (req, reply) => {
    const s = formSession(req, req.body?._csrf);
    if (!s) return redirectToLogin(reply, req);
    try {
      createTenant(deps, s.user, req.body?.slug ?? '', Date.now());
      return reply.redirect('/', 303);
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return dashboard(reply, s, err.status, { slug: req.body?.slug, error: err.message });
    }
  });

  app.get<{ Params: { slug: string } }>('/instances/:slug', { config: PAGE_ROUTE, schema: { params: slugParams } }, async (req, reply) => {
    const s = readSession(deps, req);
    if (!s) return redirectToLogin(reply, req);
    return instance(reply, s, requireTenant(deps, s.user, req.params.slug), 200);
  });

  app.post<{ Params: { slug: string; userId: number }; Body: { _csrf?: string } }>('/instances/:slug/members/:userId/remove', {
    config: PAGE_ROUTE,
    schema: {
      params: { type: 'object', required: ['slug', 'userId'], properties: { slug: { type: 'string', maxLength: 63 }, userId: { type: 'integer' } } },
      body: { type: 'object', properties: csrfOnly },
    },
  }, async (req, reply) => {
    const s = formSession(req, req.body?._csrf);
    if (!s) return redirectToLogin(reply, req);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    const leaving = req.params.userId === s.user.id;
    try {
      if (!leaving) requireOwner(tenant, 'remove members');
      removeMember(db, tenant, req.params.userId, s.user.email, Date.now());
      return reply.redirect(leaving ? '/' : `/instances/${tenant.slug}`, 303);
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return instance(reply, s, tenant, err.status, { error: err.message });
    }
  });

  app.post<{ Params: { slug: string }; Body: { confirm?: string; _csrf?: string } }>('/instances/:slug/delete', {
    config: PAGE_ROUTE,
    schema: { params: slugParams, body: { type: 'object', properties: { confirm: { type: 'string', maxLength: 63 }, ...csrfOnly } } },
  }, async (req, reply) => {
    const s = formSession(req, req.body?._csrf);
    if (!s) return redirectToLogin(reply, req);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    try {
      if ((req.body?.confirm ?? '').trim() !== tenant.slug) {
        throw new BerthError('VALIDATION_FAILED', `Type ${tenant.slug} exactly to confirm the deletion.`, { fields: { confirm: 'does not match' } });
      }
      deleteTenant(deps, s.user, tenant, Date.now());
      return reply.redirect('/', 303);
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return instance(reply, s, tenant, err.status, { error: err.message });
    }
  });
}
