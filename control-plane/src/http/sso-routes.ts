// The two hops of single sign-on. /sso/start runs on the control-plane host, where the
// session cookie is; /__berth/sso runs on the tenant host (Traefik routes that one path of the
// tenant host to the control plane, never to the tenant), where the tenant cookie must be set.
import type { FastifyInstance } from 'fastify';
import { acceptInvitations } from '../auth/invitations.js';
import { findRole } from '../auth/memberships.js';
import { createSsoCode, redeemSsoCode } from '../auth/sso.js';
import { isLocalPath, slugFromHost } from '../auth/tenant-host.js';
import { tenantUrl } from '../config.js';
import { renderMessagePage } from '../pages/layout.js';
import { createRunningTenantLookup } from '../tenants/tenant-store.js';
import type { AppDeps } from './app-deps.js';
import { clearTossedCookie, setTenantCookie } from './cookies.js';
import { readSession } from './request-auth.js';

const PAGE = { page: true } as const;

export function registerSsoRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { config, db } = deps;
  const runningTenantId = createRunningTenantLookup(db);

  app.get<{ Querystring: { tenant: string; rd?: string } }>('/sso/start', {
    config: PAGE,
    schema: {
      querystring: {
        type: 'object',
        required: ['tenant'],
        properties: { tenant: { type: 'string', maxLength: 63 }, rd: { type: 'string', maxLength: 2048 } },
      },
    },
  }, async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    const { tenant: slug } = req.query;
    const rd = req.query.rd ?? '/';
    if (!isLocalPath(rd)) {
      return reply.status(400).type('text/html').send(renderMessagePage('Bad link', 'The return address must be a path on the instance.'));
    }
    const session = readSession(deps, req);
    if (!session) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    const pageUser = { email: session.user.email, csrfToken: session.csrfToken };
    const tenantId = runningTenantId(slug);
    if (tenantId === undefined) {
      return reply.status(404).type('text/html').send(renderMessagePage('No such instance', `There is no instance called ${slug}.`, { href: '/', text: 'Your instances' }, pageUser));
    }
    // An invitation waiting for this address joins now, so its link works for someone signed in.
    acceptInvitations(db, session.user, Date.now());
    if (!findRole(db, tenantId, session.user.id)) {
      return reply.status(403).type('text/html').send(renderMessagePage(
        'Not a member',
        `You are not a member of ${slug}. You are signed in as ${session.user.email}; ask the instance's owner to invite you, or log out and sign in with another account.`,
        { href: '/', text: 'Your instances' },
        pageUser,
      ));
    }
    const code = createSsoCode(db, { sessionIdHash: session.idHash, tenantId, returnTo: rd }, Date.now());
    return reply.redirect(`${tenantUrl(config, slug)}/__berth/sso?code=${encodeURIComponent(code)}`, 302);
  });

  app.get<{ Querystring: { code?: string } }>('/__berth/sso', {
    config: PAGE,
    schema: { querystring: { type: 'object', properties: { code: { type: 'string', maxLength: 128 } } } },
  }, async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    // req.host is X-Forwarded-Host when the request came from Traefik on loopback (trustProxy).
    const slug = slugFromHost(req.host, config.domain);
    if (slug === null) {
      return reply.status(404).type('text/html').send(renderMessagePage('Not found', 'This address is not an instance.'));
    }
    const result = redeemSsoCode(db, req.query.code, slug, Date.now());
    if (!result.ok) {
      const message = result.reason === 'not-member'
        ? `You are no longer a member of ${slug}.`
        : 'This sign-in link is invalid, was already used, or expired. Open the instance again to get a fresh one.';
      return reply.status(result.reason === 'not-member' ? 403 : 400).type('text/html')
        .send(renderMessagePage('Sign-in link not valid', message, { href: `${tenantUrl(config, slug)}/`, text: `Open ${slug}` }));
    }
    setTenantCookie(reply, config, result.token, result.expiresAt);
    clearTossedCookie(reply, config, 'tenant');
    return reply.redirect(result.returnTo, 302);
  });
}
