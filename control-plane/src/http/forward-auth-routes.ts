// GET /auth/forward: Traefik's ForwardAuth call for every request to a tenant host.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createForwardAuth } from '../auth/forward-auth.js';
import { FORWARD_AUTH_PATH } from '../auth/forward-auth-spec.js';
import { slugFromHost } from '../auth/tenant-host.js';
import type { Activity } from '../hibernate/activity.js';
import { BerthError, toEnvelope } from '../errors.js';
import type { AppDeps } from './app-deps.js';
import { errorResponses } from './api-schemas.js';
import { headerValue } from './request-auth.js';

// Traefik calls the address of the middleware, so the Host is the control plane's loopback
// address; a request that came in through the public control-plane router carries the public
// host instead and is refused, whatever X-Forwarded-* it claims.
export function isLoopbackHost(host: string | undefined): boolean {
  const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

export function registerForwardAuthRoutes(app: FastifyInstance, deps: AppDeps, activity: Activity): void {
  const decide = createForwardAuth(deps.db, deps.config);
  const deny = (code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND', message: string) => toEnvelope(new BerthError(code, message));

  app.get(FORWARD_AUTH_PATH, {
    schema: {
      summary: 'Traefik ForwardAuth decision for tenant hosts (loopback only)',
      response: { 200: { type: 'null' }, 302: { type: 'null' }, ...errorResponses(401, 403, 404) },
    },
  }, async (req: FastifyRequest, reply) => {
    reply.header('cache-control', 'no-store');
    if (!isLoopbackHost(req.headers.host)) return reply.status(404).send(deny('NOT_FOUND', `no route for GET ${FORWARD_AUTH_PATH}`));
    const decision = decide(
      {
        host: headerValue(req, 'x-forwarded-host'),
        uri: headerValue(req, 'x-forwarded-uri'),
        method: headerValue(req, 'x-forwarded-method'),
        accept: headerValue(req, 'accept'),
        authorization: headerValue(req, 'authorization'),
        cookie: headerValue(req, 'cookie'),
      },
      Date.now(),
    );
    switch (decision.kind) {
      case 'allow':
        // The idle signal (hibernation): a request with an identity; health checks do not count.
        if (decision.headers['X-Berth-Auth']) activity.touch(slugFromHost(headerValue(req, 'x-forwarded-host'), deps.config.domain)!, Date.now());
        return reply.headers(decision.headers).status(200).send();
      case 'redirect':
        return reply.redirect(decision.location, 302);
      case 'deny': {
        const status = decision.code === 'NOT_FOUND' ? 404 : decision.code === 'FORBIDDEN' ? 403 : 401;
        return reply.status(status).send(deny(decision.code, decision.message));
      }
    }
  });
}
