// Identity and CSRF for every route of the scope they are added to. Both run at onRequest,
// before any body is read, so an unauthenticated upload is refused before a byte is stored.
import type { FastifyInstance } from 'fastify';
import { findTokenOwner, recordTokenUse } from '../auth/api-tokens.js';
import { isSameOrigin, needsCsrfCheck } from '../auth/csrf.js';
import { resolveIdentity, type Identity } from '../auth/identity.js';
import { BerthError } from '../errors.js';
import type { AppDeps } from './app-deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity;
  }
}

export function registerAuthHooks(scope: FastifyInstance, deps: AppDeps): void {
  scope.decorateRequest('identity', undefined as unknown as Identity);
  scope.addHook('onRequest', async (req) => {
    const identity = resolveIdentity(req.headers, (token) => findTokenOwner(deps.readDb, token));
    if (!identity) throw new BerthError('UNAUTHENTICATED', 'sign in through the berth control plane, or send a valid API token');
    if (needsCsrfCheck(req.method, identity.via) && !isSameOrigin(req.headers)) {
      throw new BerthError('CSRF_FAILED', 'this request did not come from a page of this instance (Origin missing or different)');
    }
    req.identity = identity;
    if (identity.tokenId !== undefined) recordTokenUse(deps.db, identity.tokenId);
  });
}

/** Owner-only actions (none are destructive enough yet to need it beyond tokens of others). */
export function requireSession(identity: Identity): void {
  if (identity.via !== 'session') throw new BerthError('FORBIDDEN', 'this action needs a signed-in person, not an API token');
}
