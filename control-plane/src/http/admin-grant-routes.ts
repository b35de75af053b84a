// Who is an admin: listed, granted and revoked by the operator of the host only (the
// `./berth admin` command sends the operator token). No session may call these, an admin's
// included, so an admin account that is taken over cannot mint more admins.
import type { FastifyInstance } from 'fastify';
import { normalizeEmail } from '../auth/account-rules.js';
import { listAdmins, setAdmin } from '../auth/users.js';
import { errorResponses } from './api-schemas.js';
import type { AppDeps } from './app-deps.js';
import { requireOperatorToken } from './operator-auth.js';

const tags = ['admin'];
const security = [{ operatorToken: [] }];
const emailParams = { type: 'object', required: ['email'], properties: { email: { type: 'string', minLength: 3, maxLength: 320 } } } as const;
const changeSchema = {
  type: 'object',
  required: ['email', 'isAdmin', 'changed'],
  properties: { email: { type: 'string' }, isAdmin: { type: 'boolean' }, changed: { type: 'boolean' } },
} as const;

export function registerAdminGrantRoutes(app: FastifyInstance, deps: AppDeps): void {
  const preHandler = requireOperatorToken(deps);

  app.get('/api/v1/admins', {
    preHandler,
    schema: {
      summary: 'Emails of every admin (operator token only)',
      tags, security,
      response: { 200: { type: 'object', required: ['admins'], properties: { admins: { type: 'array', items: { type: 'string' } } } }, ...errorResponses(401) },
    },
  }, async () => ({ admins: listAdmins(deps.db) }));

  for (const [method, isAdmin] of [['PUT', true], ['DELETE', false]] as const) {
    app.route<{ Params: { email: string } }>({
      method,
      url: '/api/v1/admins/:email',
      preHandler,
      schema: {
        summary: isAdmin ? 'Make an existing account an admin (operator token only)' : "Take an account's admin role away (operator token only)",
        tags, security, params: emailParams,
        response: { 200: changeSchema, ...errorResponses(401, 404) },
      },
      handler: async (req) => setAdmin(deps.db, normalizeEmail(req.params.email), isAdmin, 'operator (CLI)', Date.now()),
    });
  }
}
