// Small helpers shared by the page routes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLocalPath } from '../auth/tenant-host.js';

export const PAGE_ROUTE = { page: true } as const;

export function sendPage(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(markup);
}

/** Sends a signed-out visitor to log in, then back to where they were going. */
export function redirectToLogin(reply: FastifyReply, req: FastifyRequest): FastifyReply {
  return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
}

/** `next` if it is a path on this host, else '/'. */
export function safeNext(next: string | undefined): string {
  return isLocalPath(next) ? next : '/';
}
