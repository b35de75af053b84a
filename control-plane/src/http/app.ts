// buildApp(deps) builds the Fastify application without listening, so tests use inject().
// Routes are registered here by hand, in one place, each group a factory taking typed deps.
import Fastify, { type FastifyInstance } from 'fastify';
import { BerthError, toEnvelope } from '../errors.js';
import type { AppDeps } from './app-deps.js';
import { registerHealthRoutes } from './health-routes.js';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    trustProxy: '127.0.0.1',
    // Above Traefik's idleConnTimeout (30 s), so Traefik always closes idle connections first (F3).
    keepAliveTimeout: 65_000,
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof BerthError) {
      if (err.status >= 500) deps.log.error('request failed', { url: req.url, code: err.code, err });
      return reply.status(err.status).send(toEnvelope(err));
    }
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) {
      return reply.status(400).send(toEnvelope(new BerthError('BAD_REQUEST', e.message)));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send(toEnvelope(new BerthError('BAD_REQUEST', e.message)));
    }
    deps.log.error('unexpected error', { url: req.url, err: err as Error });
    return reply.status(500).send(toEnvelope(new BerthError('INTERNAL', 'internal error')));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(toEnvelope(new BerthError('NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`)));
  });

  registerHealthRoutes(app, deps);
  return app;
}
