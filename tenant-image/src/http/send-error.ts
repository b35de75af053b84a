// The one place errors become responses: the JSON envelope for the API (and any client that
// does not ask for HTML), an HTML page with a clear error box for browsers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BerthError, toBerthError, toEnvelope } from '../errors.js';
import { renderErrorPage, renderUnauthenticatedPage } from '../pages/error-pages.js';
import type { AppDeps } from './app-deps.js';
import { tenantNameOf, loginUrlOf } from './page-context.js';

function fromFastify(err: unknown): BerthError | undefined {
  const e = err as { validation?: unknown; statusCode?: number; code?: string; message?: string };
  if (err instanceof BerthError || !e || typeof e !== 'object') return undefined;
  if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new BerthError('PAYLOAD_TOO_LARGE', e.message ?? 'body too large');
  if (e.statusCode === 415) return new BerthError('BAD_REQUEST', e.message ?? 'unsupported content type');
  if (e.validation || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500 && e.code?.startsWith('FST_'))) return new BerthError('BAD_REQUEST', e.message ?? 'bad request');
  return undefined;
}

export function wantsHtml(req: FastifyRequest): boolean {
  const path = req.url;
  if (path.startsWith('/api/') || path.startsWith('/__')) return false;
  return (req.headers.accept ?? '').includes('text/html');
}

export function sendError(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const e = fromFastify(err) ?? toBerthError(err);
  // On the request's own logger, so the line carries its request id.
  if (e.status >= 500) req.log.error({ code: e.code, err: (e.cause as Error) ?? e }, 'request failed');
  if (reply.sent || reply.raw.headersSent) {
    // A streamed response failed midway: the status is gone; cut the connection so the client sees it.
    reply.raw.destroy();
    return reply;
  }
  reply.status(e.status);
  if (!wantsHtml(req)) return reply.type('application/json; charset=utf-8').send(toEnvelope(e));
  const tenant = tenantNameOf(req, deps);
  const page = e.code === 'UNAUTHENTICATED'
    ? renderUnauthenticatedPage(tenant, loginUrlOf(req, deps))
    : renderErrorPage({ title: `Error ${e.status}`, tenant, ...(req.identity ? { identity: req.identity } : {}) }, e);
  return reply.type('text/html; charset=utf-8').send(page);
}
