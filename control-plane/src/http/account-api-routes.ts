// JSON API for accounts: CSRF bootstrap, sign up, log in, log out, who am I.
import type { FastifyInstance } from 'fastify';
import { logIn, signUp, type Credentials } from '../auth/accounts.js';
import { logOutEverywhere } from '../auth/log-out.js';
import { generateToken, isTokenShaped } from '../auth/tokens.js';
import type { AppDeps } from './app-deps.js';
import { credentialsSchema, errorResponses, sessionResponseSchema, toApiUser } from './api-schemas.js';
import { clearSessionCookie, readPreSessionCsrfCookie, setPreSessionCsrfCookie, setSessionCookie } from './cookies.js';
import { clientAddress, headerValue, requireSession, verifyApiCsrf, verifyPreSessionCsrf } from './request-auth.js';

const tags = ['accounts'];
const noAuth: unknown[] = [];

export function registerAccountApiRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/v1/csrf', {
    schema: {
      summary: 'Get a pre-session CSRF token (sets the __Host-berth_csrf cookie); send it as x-csrf-token to signup and login',
      tags,
      security: noAuth,
      response: { 200: { type: 'object', required: ['csrfToken'], properties: { csrfToken: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const existing = readPreSessionCsrfCookie(req, deps.config);
    const token = isTokenShaped(existing) ? existing : generateToken();
    setPreSessionCsrfCookie(reply, deps.config, token);
    return { csrfToken: token };
  });

  app.post<{ Body: Credentials }>('/api/v1/signup', {
    schema: {
      summary: 'Create an account and log in (429 with Retry-After after too many sign-ups from one address)',
      tags,
      security: noAuth,
      body: credentialsSchema,
      response: { 201: sessionResponseSchema, ...errorResponses(400, 403, 409, 422, 429) },
    },
  }, async (req, reply) => {
    verifyPreSessionCsrf(deps, req, headerValue(req, 'x-csrf-token'));
    const session = await signUp(deps, { ...req.body, address: clientAddress(req) }, Date.now());
    setSessionCookie(reply, deps.config, session.token, session.expiresAt);
    return reply.status(201).send({ user: toApiUser(session.user), csrfToken: session.csrfToken });
  });

  app.post<{ Body: Credentials }>('/api/v1/login', {
    schema: {
      summary: 'Log in (429 with Retry-After after repeated failures)',
      tags,
      security: noAuth,
      body: credentialsSchema,
      response: { 200: sessionResponseSchema, ...errorResponses(400, 401, 403, 429) },
    },
  }, async (req, reply) => {
    verifyPreSessionCsrf(deps, req, headerValue(req, 'x-csrf-token'));
    const session = await logIn(deps, { ...req.body, address: clientAddress(req) }, Date.now());
    setSessionCookie(reply, deps.config, session.token, session.expiresAt);
    return { user: toApiUser(session.user), csrfToken: session.csrfToken };
  });

  app.post('/api/v1/logout', {
    schema: {
      summary: 'Log out: ends every session and API token of the signed-in person, here and on every instance',
      tags,
      response: { 204: { description: 'Logged out', type: 'null' }, ...errorResponses(401, 403) },
    },
  }, async (req, reply) => {
    const session = requireSession(deps, req);
    verifyApiCsrf(deps, req, session);
    logOutEverywhere(deps.db, session.user, Date.now());
    clearSessionCookie(reply, deps.config);
    return reply.status(204).send();
  });

  app.get('/api/v1/me', {
    schema: { summary: 'The signed-in user and the session CSRF token', tags, response: { 200: sessionResponseSchema, ...errorResponses(401) } },
  }, async (req) => {
    const session = requireSession(deps, req);
    return { user: toApiUser(session.user), csrfToken: session.csrfToken };
  });
}
