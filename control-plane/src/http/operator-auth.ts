// Who may operate rollouts and see every tenant: an admin with a session (plus the CSRF
// token on unsafe methods), or the local operator's bearer token (the CLI; see
// rollout/operator-token.ts). A preHandler for the admin and rollout routes only; granting
// admin itself takes the operator token (requireOperatorToken).
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { tokensEqual } from '../auth/tokens.js';
import { BerthError } from '../errors.js';
import { readOperatorToken } from '../rollout/operator-token.js';
import type { AppDeps } from './app-deps.js';
import { headerValue, readSession, verifyApiCsrf } from './request-auth.js';

export type Operator = { readonly kind: 'operator' } | { readonly kind: 'admin'; readonly email: string; readonly csrfToken: string };

const operators = new WeakMap<FastifyRequest, Operator>();

/** Checks the request and remembers who it is; `csrf: 'form'` leaves the token check to the form handler. */
export function requireAdmin(deps: Pick<AppDeps, 'db' | 'config'>, opts: { csrf: 'header' | 'form' } = { csrf: 'header' }): preHandlerAsyncHookHandler {
  return async (req) => {
    if (headerValue(req, 'authorization') !== undefined) {
      checkOperatorToken(deps, req);
      operators.set(req, { kind: 'operator' });
      return;
    }
    const session = readSession(deps, req);
    if (!session) throw new BerthError('UNAUTHENTICATED', 'Log in first.');
    if (!session.user.isAdmin) throw new BerthError('FORBIDDEN', 'Only an admin may do this.');
    const safe = req.method === 'GET' || req.method === 'HEAD';
    if (!safe && opts.csrf === 'header') verifyApiCsrf(deps, req, session);
    operators.set(req, { kind: 'admin', email: session.user.email, csrfToken: session.csrfToken });
  };
}

/**
 * The operator's bearer token and nothing else: for what only whoever runs the host may do
 * (granting admin), so no session — an admin's included — can do it.
 */
export function requireOperatorToken(deps: Pick<AppDeps, 'config'>): preHandlerAsyncHookHandler {
  return async (req) => {
    checkOperatorToken(deps, req);
    operators.set(req, { kind: 'operator' });
  };
}

function checkOperatorToken(deps: Pick<AppDeps, 'config'>, req: FastifyRequest): void {
  const auth = headerValue(req, 'authorization');
  if (auth === undefined) throw new BerthError('UNAUTHENTICATED', 'Only the operator token (./berth on the host) may do this.');
  const bearer = /^Bearer (\S+)$/.exec(auth)?.[1];
  // Read at each request: the token rotates at every start of the control plane.
  if (!bearer || !tokensEqual(bearer, readOperatorToken(deps.config.stateDir) ?? undefined)) {
    throw new BerthError('UNAUTHENTICATED', 'The operator token is not valid (it changes at every start of the control plane).');
  }
}

export function operatorOf(req: FastifyRequest): Operator {
  const op = operators.get(req);
  if (!op) throw new BerthError('INTERNAL', 'admin route without the requireAdmin preHandler');
  return op;
}

export function operatorName(op: Operator): string {
  return op.kind === 'operator' ? 'operator (CLI)' : op.email;
}
