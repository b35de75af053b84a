// The account pages: landing, log in, sign up, log out. Forms carry a CSRF token: before
// login a double-submit token (hidden field = berth_csrf cookie), after it the session's own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logIn, signUp } from '../auth/accounts.js';
import type { FieldProblems } from '../auth/account-rules.js';
import { logOutEverywhere } from '../auth/log-out.js';
import { generateToken, isTokenShaped } from '../auth/tokens.js';
import { BerthError } from '../errors.js';
import { renderLogin, renderSignup, type AccountFormState } from '../pages/account-pages.js';
import type { AppDeps } from './app-deps.js';
import { clearSessionCookie, readPreSessionCsrfCookie, setPreSessionCsrfCookie, setSessionCookie } from './cookies.js';
import { PAGE_ROUTE, safeNext, sendPage } from './page-replies.js';
import { clientAddress, readSession, verifyCsrf, verifyPreSessionCsrf } from './request-auth.js';

interface AccountForm {
  email?: string;
  password?: string;
  _csrf?: string;
  next?: string;
}

const formSchema = {
  type: 'object',
  properties: {
    email: { type: 'string', maxLength: 320 },
    password: { type: 'string', maxLength: 1024 },
    _csrf: { type: 'string', maxLength: 128 },
    next: { type: 'string', maxLength: 2048 },
  },
} as const;
const nextQuerySchema = { type: 'object', properties: { next: { type: 'string', maxLength: 2048 } } } as const;

export function registerAccountPageRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { config } = deps;

  /** The pre-session CSRF token of this browser, issuing one if needed. */
  const formToken = (req: FastifyRequest, reply: FastifyReply): string => {
    const existing = readPreSessionCsrfCookie(req, deps.config);
    if (isTokenShaped(existing)) return existing;
    const token = generateToken();
    setPreSessionCsrfCookie(reply, config, token);
    return token;
  };

  for (const kind of ['login', 'signup'] as const) {
    const render = kind === 'login' ? renderLogin : renderSignup;

    app.get<{ Querystring: { next?: string } }>(`/${kind}`, { config: PAGE_ROUTE, schema: { querystring: nextQuerySchema } }, async (req, reply) => {
      const next = req.query.next === undefined ? undefined : safeNext(req.query.next);
      if (readSession(deps, req)) return reply.redirect(next ?? '/', 303);
      return sendPage(reply, render({ csrfToken: formToken(req, reply), next }));
    });

    app.post<{ Body: AccountForm }>(`/${kind}`, { config: PAGE_ROUTE, schema: { body: formSchema } }, async (req, reply) => {
      const body = req.body ?? {};
      const next = body.next ? safeNext(body.next) : undefined;
      const state = (extra: Partial<AccountFormState>): AccountFormState => ({ csrfToken: formToken(req, reply), email: body.email, next, ...extra });
      try {
        verifyPreSessionCsrf(deps, req, body._csrf);
        const attempt = { email: body.email ?? '', password: body.password ?? '', address: clientAddress(req) };
        const session = kind === 'login' ? await logIn(deps, attempt, Date.now()) : await signUp(deps, attempt, Date.now());
        setSessionCookie(reply, config, session.token, session.expiresAt);
        return reply.redirect(next ?? '/', 303);
      } catch (err) {
        if (!(err instanceof BerthError)) throw err;
        if (err.code === 'RATE_LIMITED') reply.header('retry-after', String(err.details?.retryAfterS ?? 60));
        const fieldErrors = (err.details?.fields as FieldProblems | undefined) ?? (err.code === 'EMAIL_TAKEN' ? { email: err.message } : undefined);
        return sendPage(reply, render(state(fieldErrors ? { fieldErrors } : { error: err.message })), err.status);
      }
    });
  }

  app.post<{ Body: { _csrf?: string } }>('/logout', {
    config: PAGE_ROUTE,
    schema: { body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 128 } } } },
  }, async (req, reply) => {
    const session = readSession(deps, req);
    if (session) {
      verifyCsrf(req, config.publicUrl, session.csrfToken, req.body?._csrf);
      logOutEverywhere(deps.db, session.user, Date.now());
    }
    clearSessionCookie(reply, config);
    return reply.redirect('/login', 303);
  });
}
