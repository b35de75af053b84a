// buildApp(deps) builds the Fastify application without listening, so tests use inject().
// Routes are registered here by hand, in one place, each group a factory taking typed deps.
// Three scopes: public health endpoints, control-plane-only /__berth/ endpoints, and
// everything else behind identity (session headers or an API token) and CSRF checks.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formBody from '@fastify/formbody';
import type { AppDeps } from './app-deps.js';
import { registerAuthHooks } from './auth-hooks.js';
import { sendError } from './send-error.js';
import { addSecurityHeaders } from './security-headers.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerControlRoutes } from './routes/control-routes.js';
import { registerRestoreControlRoutes } from './routes/restore-control-routes.js';
import { registerTablePageRoutes } from './routes/table-page-routes.js';
import { registerTableApiRoutes } from './routes/table-api-routes.js';
import { registerRowWriteRoutes } from './routes/row-write-routes.js';
import { registerExportRoutes } from './routes/export-routes.js';
import { registerSqlRoutes } from './routes/sql-routes.js';
import { registerUploadRoutes } from './routes/upload-routes.js';
import { registerImportRoutes } from './routes/import-routes.js';
import { registerTokenRoutes } from './routes/token-routes.js';
import { registerEditRoutes } from './routes/edit-routes.js';
import { registerSavedQueryRoutes } from './routes/saved-query-routes.js';
import { registerActivityRoutes } from './routes/activity-routes.js';
import { BerthError } from '../errors.js';
import { REQUEST_ID_HEADER, requestIdOf, requestLine } from '@berth/common/logger';
import { httpRequests, httpSeconds } from '../metrics/registry.js';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = deps.log.pino;
  const app = Fastify({
    // One line per request, written below in the shape of every other line (@berth/common/logger);
    // the id is the X-Request-Id Traefik copied in from the control plane's ForwardAuth answer.
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: (req) => requestIdOf(req.headers),
    // Above Traefik's idleConnTimeout (30 s), so Traefik always closes idle connections first (F3);
    // headersTimeout must exceed keepAliveTimeout or Node may cut a connection Traefik reuses.
    keepAliveTimeout: deps.config.keepAliveTimeoutMs,
    http: { headersTimeout: deps.config.keepAliveTimeoutMs + 5_000, requestTimeout: 0 },
    forceCloseConnections: 'idle',
    bodyLimit: 4 * 1024 * 1024,
    routerOptions: { maxParamLength: 1000 },
    // Ajv checks each route schema against the JSON Schema meta-schema, which it first compiles:
    // ~90 ms of every start, on the provisioning path. The schemas are ours and fixed; every
    // route is exercised by the tests, which would fail on a schema Ajv could not compile.
    ajv: { customOptions: { validateSchema: false } },
  });

  // Every response names its container; the in-flight count covers every request but the
  // control plane's own state polls (which would otherwise never let it reach 0).
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-berth-container', deps.containerName);
    reply.header(REQUEST_ID_HEADER, req.id);
    if (req.url === '/__berth/state') return;
    deps.state.inflight++;
    reply.raw.once('close', () => {
      deps.state.inflight--;
    });
  });

  // Probes (the control plane's every few seconds, its fast poll while a container starts) at
  // debug: at info they would be most of every idle tenant's log.
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ method: req.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` });
    httpSeconds.observe(reply.elapsedTime / 1000, { route });
    if (req.url.startsWith('/__')) req.log.debug(requestLine(req, reply), 'request');
    else req.log.info(requestLine(req, reply), 'request');
  });

  addSecurityHeaders(app);
  app.setErrorHandler((err, req, reply) => sendError(deps, req, reply, err));
  app.setNotFoundHandler((req, reply) =>
    sendError(deps, req, reply, new BerthError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`)),
  );

  registerHealthRoutes(app, deps);
  // One scope: the control routes' refusal of anything that came through Traefik covers the restore ones.
  await app.register(async (scope) => {
    registerControlRoutes(scope, deps);
    registerRestoreControlRoutes(scope, deps);
  });
  await app.register(async (scope) => {
    await scope.register(formBody);
    registerAuthHooks(scope, deps);
    registerTablePageRoutes(scope, deps);
    registerTableApiRoutes(scope, deps);
    registerRowWriteRoutes(scope, deps);
    registerExportRoutes(scope, deps);
    registerSqlRoutes(scope, deps);
    registerUploadRoutes(scope, deps);
    registerImportRoutes(scope, deps);
    registerTokenRoutes(scope, deps);
    registerEditRoutes(scope, deps);
    registerSavedQueryRoutes(scope, deps);
    registerActivityRoutes(scope, deps);
  });
  return app;
}
