// Forwards a request that reached the waker to the tenant's ready container
// (hibernate/wake-upstreams.ts), the way Traefik would have: same method, path, headers (the
// identity ForwardAuth added and the X-Forwarded-* Traefik set included) and body, streamed both
// ways. Only for the moments between a container's readiness and Traefik serving its route.
// Nothing of the request is sent before the connection is made, so a container that cannot be
// reached ('unreachable') leaves the request whole for the caller's fallback (a 307 once Traefik
// serves the route).
import http from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BerthError, toEnvelope } from '../errors.js';

/** As Traefik's dialTimeout for tenants (traefik/traefik.template.yml serversTransport). */
const CONNECT_TIMEOUT_MS = 2000;

/** Hop-by-hop headers (RFC 9110 7.6.1) and Expect (the waker answered any 100-continue itself). */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((h) => h.trim()).filter(Boolean));
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !NOT_FORWARDED.has(k) && !named.has(k)) out[k] = v;
  return out;
}

export function forwardToUpstream(req: FastifyRequest, reply: FastifyReply, upstream: string, path: string): Promise<'answered' | 'unreachable'> {
  const target = new URL(upstream);
  return new Promise((resolve) => {
    let connected = false;
    const out = http.request({ host: target.hostname, port: target.port, method: req.method, path, headers: endToEnd(req.raw.headers), agent: false });
    const timer = setTimeout(() => out.destroy(new Error(`no connection to ${upstream} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    out.once('socket', (socket) => {
      socket.once('connect', () => {
        connected = true;
        clearTimeout(timer);
        if (req.raw.readableEnded) out.end();
        else req.raw.pipe(out);
      });
    });
    out.once('response', (res) => {
      void reply.hijack();
      reply.raw.writeHead(res.statusCode ?? 502, endToEnd(res.headers));
      res.pipe(reply.raw);
      res.once('error', () => reply.raw.destroy());
      reply.raw.once('close', () => {
        res.destroy();
        resolve('answered');
      });
    });
    out.once('error', (err) => {
      clearTimeout(timer);
      if (!connected) return resolve('unreachable');
      if (!reply.sent && !reply.raw.headersSent) {
        void reply.status(502).header('cache-control', 'no-store').send(toEnvelope(new BerthError('UPSTREAM_FAILED', `the instance did not answer: ${err.message}`)));
      } else {
        reply.raw.destroy(err);
      }
      resolve('answered');
    });
    // The client went away before its answer was complete: so does the forwarded request. (The
    // response's close, not the request's: a request closes as soon as its body has been read.)
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) out.destroy();
    });
  });
}
