// /openapi.json, generated from the schemas of the registered API routes (collected by an
// onRoute hook), so the document cannot drift from the code.
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { cookieName } from '../auth/cookie-names.js';
import { ERRORS } from '../errors.js';
import type { AppDeps } from './app-deps.js';
import { errorEnvelopeSchema } from './api-schemas.js';

export interface ApiRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
}

export const API_PREFIX = '/api/';

/** Starts collecting routes; call before any route is registered. */
export function collectApiRoutes(app: FastifyInstance): ApiRoute[] {
  const routes: ApiRoute[] = [];
  app.addHook('onRoute', (opts: RouteOptions) => {
    if (!opts.url.startsWith(API_PREFIX)) return;
    for (const method of [opts.method].flat()) {
      // Fastify adds a HEAD twin for every GET; it is not a separate operation.
      if (method === 'HEAD') continue;
      routes.push({ method: method.toLowerCase(), url: opts.url, schema: opts.schema });
    }
  });
  return routes;
}

type JsonObject = Record<string, unknown>;

function parametersFrom(schema: unknown, where: 'path' | 'query' | 'header'): JsonObject[] {
  const s = schema as { properties?: Record<string, JsonObject>; required?: string[] } | undefined;
  return Object.entries(s?.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (s?.required ?? []).includes(name),
    schema: prop,
  }));
}

export function buildOpenApiDocument(routes: readonly ApiRoute[], version: string): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const s = r.schema ?? {};
    const responses: JsonObject = {};
    for (const [status, schema] of Object.entries((s.response ?? {}) as Record<string, JsonObject>)) {
      const { description, ...body } = schema;
      responses[status] = status === '204'
        ? { description: description ?? 'No content' }
        : { description: description ?? 'Response', content: { 'application/json': { schema: body } } };
    }
    const op: JsonObject = {
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: s.summary,
      tags: s.tags,
      parameters: [...parametersFrom(s.params, 'path'), ...parametersFrom(s.querystring, 'query'), ...parametersFrom(s.headers, 'header')],
      responses,
    };
    if (s.security) op.security = s.security;
    if (s.body) op.requestBody = { required: true, content: { 'application/json': { schema: s.body } } };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'berth control plane',
      version,
      description:
        'Unsafe methods need the x-csrf-token header: the session\'s token (from signup, login or /api/v1/me), ' +
        'or before login the token from GET /api/v1/csrf (which also sets the __Host-berth_csrf cookie it must match).',
    },
    paths,
    security: [{ session: [], csrf: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: cookieName('session', { secureCookies: true }), description: 'berth_session when BERTH_SECURE_COOKIES=false' },
        csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        operatorToken: { type: 'http', scheme: 'bearer', description: 'Admin routes only: the token the control plane writes to <state>/operator.token at start (the CLI uses it).' },
      },
      schemas: { ErrorEnvelope: errorEnvelopeSchema },
    },
    'x-error-codes': Object.entries(ERRORS).map(([code, e]) => ({ code, status: e.status, help: e.help })),
  };
}

export function registerOpenApiRoute(app: FastifyInstance, deps: Pick<AppDeps, 'version'>, routes: readonly ApiRoute[]): void {
  let cached: JsonObject | null = null;
  app.get('/openapi.json', async () => (cached ??= buildOpenApiDocument(routes, deps.version.version)));
}
