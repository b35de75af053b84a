// buildApp(deps) builds the Fastify application without listening, so tests use inject().
// Routes are registered here by hand, in one place, each group a factory taking typed deps.
// The app also owns the expiry sweep of its auth tables: it runs while the app is open.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER, requestIdOf, requestLine } from '@berth/common/logger';
import { runExpirySweep } from '../auth/expiry-sweep.js';
import { createTraefikApi } from '../edge/traefik-api.js';
import { createActivity } from '../hibernate/activity.js';
import { sweepIntervalMs } from '../hibernate/idle.js';
import { createWakes } from '../hibernate/wake.js';
import { readyUpstream } from '../hibernate/wake-upstreams.js';
import { slugFromHost } from '../auth/tenant-host.js';
import { BerthError, toEnvelope } from '../errors.js';
import { renderMessagePage } from '../pages/layout.js';
import { registerAccessRoutes } from './access-routes.js';
import { registerAccountApiRoutes } from './account-api-routes.js';
import { registerAccountPageRoutes } from './account-page-routes.js';
import { registerAdminGrantRoutes } from './admin-grant-routes.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerBackupRoutes } from './backup-routes.js';
import type { AppDeps } from './app-deps.js';
import { registerForwardAuthRoutes } from './forward-auth-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerInstancePageRoutes } from './instance-page-routes.js';
import { registerInvitationRoutes } from './invitation-routes.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import { collectApiRoutes, registerOpenApiRoute } from './openapi.js';
import { sendPage } from './page-replies.js';
import { addSecurityHeaders } from './security-headers.js';
import { registerSsoRoutes } from './sso-routes.js';
import { registerTenantApiRoutes } from './tenant-api-routes.js';
import { registerPinRoutes } from './pin-routes.js';
import { registerWakeRoutes } from './wake-routes.js';
import { registerRolloutRoutes } from './rollout-routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** HTML page route: errors render as a page instead of the JSON envelope. */
    page?: boolean;
  }
  // Documentation keys read by the OpenAPI generator; Fastify's validators ignore them.
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: string[];
    security?: unknown[];
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = deps.log.pino;
  const app = Fastify({
    // One line per request, written below in the shape of every other line (@berth/common/logger).
    // The id is the request's X-Request-Id if it has one, else new; every answer carries it, and
    // ForwardAuth's answer is how Traefik hands it on to the tenant (authResponseHeaders).
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: (req) => requestIdOf(req.headers),
    trustProxy: '127.0.0.1',
    // Above Traefik's idleConnTimeout (30 s), so Traefik always closes idle connections first (F3).
    keepAliveTimeout: 65_000,
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  // Load balancer and readiness probes at debug: at info they would be most of an idle log.
  app.addHook('onResponse', async (req, reply) => {
    const line = requestLine(req, reply, tenantOf(req, deps.config.domain));
    if (req.url.startsWith('/__')) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
  });

  app.setErrorHandler((err, req, reply) => {
    const berthError = toBerthError(err);
    // On the request's own logger, so the line carries its request id.
    if (berthError.status >= 500) req.log.error({ code: berthError.code, err }, 'request failed');
    if (berthError.status === 429) reply.header('retry-after', String(berthError.details?.retryAfterS ?? 60));
    if (req.routeOptions.config?.page) {
      if (berthError.code === 'UNAUTHENTICATED') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      const title = berthError.code === 'CSRF_FAILED' ? 'Please try again' : berthError.code === 'NOT_FOUND' ? 'Not found' : 'Something went wrong';
      return sendPage(reply, renderMessagePage(title, berthError.message, { href: '/', text: 'Back to berth' }), berthError.status);
    }
    return reply.status(berthError.status).send(toEnvelope(berthError));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(toEnvelope(new BerthError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`)));
  });

  await app.register(cookie);
  await app.register(formbody);
  addSecurityHeaders(app, deps.config);
  const apiRoutes = collectApiRoutes(app);

  registerHealthRoutes(app, deps);
  // Hibernation's web side: the idle signal ForwardAuth records, and the waker.
  const activity = createActivity(deps.db, deps.log, sweepIntervalMs(deps.config.hibernateAfterMs));
  const wakes = createWakes({ db: deps.db, traefik: createTraefikApi(deps.config.traefikApiUrl), upstream: (slug) => readyUpstream(deps.db, slug), nudge: deps.nudge, log: deps.log, readyTimeoutMs: deps.config.readyTimeoutMs });
  registerForwardAuthRoutes(app, deps, activity);
  registerWakeRoutes(app, deps, wakes);
  registerSsoRoutes(app, deps);
  registerAccountPageRoutes(app, deps);
  registerInstancePageRoutes(app, deps);
  registerAccountApiRoutes(app, deps);
  registerTenantApiRoutes(app, deps);
  registerAccessRoutes(app, deps);
  registerInvitationRoutes(app, deps);
  registerRolloutRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerPinRoutes(app, deps);
  registerAdminGrantRoutes(app, deps);
  registerBackupRoutes(app, deps);
  registerMetricsRoutes(app, deps);
  registerOpenApiRoute(app, deps, apiRoutes);
  runWhileOpen(app, (signal) => activity.run(signal));
  if (!deps.expirySweepElsewhere) runWhileOpen(app, (signal) => runExpirySweep(deps, signal));
  return app;
}

/**
 * Starts a background task once the app is ready (listen, ready or the first inject) and
 * aborts and awaits it on close, so it is done before main.ts closes the database.
 */
function runWhileOpen(app: FastifyInstance, task: (signal: AbortSignal) => Promise<void>): void {
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  app.addHook('onReady', async () => {
    running = task(stop.signal);
  });
  app.addHook('onClose', async () => {
    stop.abort();
    await running;
  });
}

/** The tenant a request is about: its :slug, or the tenant host ForwardAuth and SSO are called for. */
function tenantOf(req: FastifyRequest, domain: string): string | undefined {
  const slug = (req.params as { slug?: unknown } | undefined)?.slug;
  if (typeof slug === 'string') return slug;
  const host = req.headers['x-forwarded-host'];
  return slugFromHost(typeof host === 'string' ? host : undefined, domain) ?? undefined;
}

/** Maps anything thrown in a handler to the closed set of errors. */
function toBerthError(err: unknown): BerthError {
  if (err instanceof BerthError) return err;
  const e = err as { validation?: unknown; statusCode?: number; message: string };
  if (e.validation) return new BerthError('BAD_REQUEST', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new BerthError('BAD_REQUEST', e.message);
  return new BerthError('INTERNAL', 'internal error', undefined, { cause: err });
}
