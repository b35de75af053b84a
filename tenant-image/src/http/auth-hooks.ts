// Identity and CSRF for every route of the scope they are added to. Both run at onRequest,
// before any body is read, so an unauthenticated upload is refused before a byte is stored.
import type { FastifyInstance } from 'fastify';
import { isSameOrigin, needsCsrfCheck } from '../auth/csrf.js';
import { resolveIdentity, type Identity } from '../auth/identity.js';
import { BerthError } from '../errors.js';
import type { AppDeps } from './app-deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity;
  }
}

export function registerAuthHooks(scope: FastifyInstance, _deps: AppDeps): void {
  scope.decorateRequest('identity', undefined as unknown as Identity);
  scope.addHook('onRequest', async (req) => {
    const identity = resolveIdentity(req.headers);
    if (!identity) throw new BerthError('UNAUTHENTICATED', 'sign in through the berth control plane, or send a valid API token');
    if (needsCsrfCheck(req.method, identity.via) && !isSameOrigin(req.headers)) {
      throw new BerthError('CSRF_FAILED', 'this request did not come from a page of this instance (Origin missing or different)');
    }
    req.identity = identity;
  });
}
