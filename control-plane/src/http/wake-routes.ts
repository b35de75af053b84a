// Waking hibernated instances over HTTP. The catch-all router (edge/wake-routes.ts) hands the
// waker every request for a tenant host that has no router of its own, after ForwardAuth let
// it through, with its original path under WAKE_PATH_PREFIX. A request with an identity (a
// member's tenant session or a token) wakes the tenant and, as soon as its container is ready,
// is forwarded to it (wake-proxy.ts) and gets the tenant's own answer, without waiting for
// Traefik to serve the route. When the container's address is not known or does not answer,
// the request waits until Traefik serves the tenant and gets a 307 to the very same URL:
// browsers and API clients repeat it, method and body included, and this time it reaches the
// tenant. Anonymous requests (the public health paths) never wake anything. Also the
// dashboard's wake button.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantUrl } from '../config.js';
import { slugFromHost } from '../auth/tenant-host.js';
import { WAKE_PATH_PREFIX } from '../edge/wake-routes.js';
import { BerthError, toEnvelope } from '../errors.js';
import type { Wakes } from '../hibernate/wake.js';
import { requireTenant } from '../tenants/tenant-commands.js';
import type { AppDeps } from './app-deps.js';
import { PAGE_ROUTE, redirectToLogin } from './page-replies.js';
import { headerValue, readSession, verifyCsrf } from './request-auth.js';
import { forwardToUpstream } from './wake-proxy.js';

/** What a client is told to wait before retrying when an instance could not be woken. */
const RETRY_AFTER_S = 5;

export function registerWakeRoutes(app: FastifyInstance, deps: AppDeps, wakes: Wakes): void {
  const { config } = deps;

  const fail = (reply: FastifyReply, err: BerthError) => reply.status(err.status).header('retry-after', String(RETRY_AFTER_S)).header('cache-control', 'no-store').send(toEnvelope(err));

  const wake = async (req: FastifyRequest, reply: FastifyReply) => {
    // Traefik passes the tenant's Host on; through the control plane's own router the host is
    // the bare domain, so nobody reaches this from there.
    const slug = slugFromHost(req.headers.host, config.domain);
    if (slug === null) return reply.status(404).send(toEnvelope(new BerthError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`)));
    // Set only by ForwardAuth's answer (clients' copies are stripped before it runs).
    const auth = headerValue(req, 'x-berth-auth');
    if (auth !== 'session' && auth !== 'bearer') {
      return fail(reply, new BerthError('INSTANCE_ASLEEP', `${slug} is asleep; it wakes on the first request of a signed-in member or a valid token.`));
    }
    const userId = headerValue(req, 'x-berth-user-id');
    const actor = auth === 'session' && userId ? `user:${userId}` : 'token';
    const rest = req.url.slice(WAKE_PATH_PREFIX.length) || '/';
    const path = rest.startsWith('/') ? rest : `/${rest}`;
    let outcome = await wakes.wakeAndWait(slug, actor);
    if (outcome.kind === 'ready' && outcome.upstream !== undefined) {
      if ((await forwardToUpstream(req, reply, outcome.upstream, path)) === 'answered') return reply;
      // The client left before the container could be reached: nobody to answer.
      if (reply.raw.destroyed) return reply;
      deps.log.warn('a woken instance was not reachable at its recorded address; waiting for its route', { tenant: slug, upstream: outcome.upstream });
      outcome = await wakes.wakeAndWait(slug, actor, { routed: true });
    }
    switch (outcome.kind) {
      case 'not-found':
        return reply.status(404).send(toEnvelope(new BerthError('NOT_FOUND', 'No such instance.')));
      case 'timeout':
        return fail(reply, new BerthError('WAKE_FAILED', `${slug} did not wake within ${config.readyTimeoutMs} ms (${outcome.detail}); retry shortly.`));
      case 'ready':
        // Absolute, on the tenant's own origin: a path like //elsewhere must not become a redirect off-site.
        return reply.header('cache-control', 'no-store').redirect(`${tenantUrl(config, slug)}${path}`, 307);
    }
  };

  // The body is the tenant's, not ours: it is not parsed (whatever its type or size); it is
  // streamed on to the tenant, or left unread for the client to send again after a 307.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.all(WAKE_PATH_PREFIX, wake);
    scope.all(`${WAKE_PATH_PREFIX}/*`, wake);
  });

  // The dashboard's button: wake without waiting; the page shows the state as it changes.
  app.post<{ Params: { slug: string }; Body: { _csrf?: string } }>('/instances/:slug/wake', {
    config: PAGE_ROUTE,
    schema: {
      params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 63 } } },
      body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 128 } } },
    },
  }, async (req, reply) => {
    const s = readSession(deps, req);
    if (!s) return redirectToLogin(reply, req);
    verifyCsrf(req, config.publicUrl, s.csrfToken, req.body?._csrf);
    const tenant = requireTenant(deps, s.user, req.params.slug);
    wakes.request(tenant.slug, `user:${s.user.id}`);
    return reply.redirect('/', 303);
  });
}
