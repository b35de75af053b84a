// Headers on every HTML page: a Content-Security-Policy that admits only our own inline style
// and script (by hash), no framing, no sniffing, and no caching of signed-in pages.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { SCRIPT_HASH, STYLE_HASH } from '../pages/assets.js';

export function contentSecurityPolicy(config: Pick<Config, 'domain' | 'publicHttpsPort'>): string {
  const port = config.publicHttpsPort === 443 ? '' : `:${config.publicHttpsPort}`;
  return [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    `script-src ${SCRIPT_HASH}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    // Logging in can continue, by redirect, to a tenant host (single sign-on); Chromium applies
    // form-action to redirects too.
    `form-action 'self' https://*.${config.domain}${port}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function addSecurityHeaders(app: FastifyInstance, config: Pick<Config, 'domain' | 'publicHttpsPort'>): void {
  const csp = contentSecurityPolicy(config);
  app.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) {
      reply.header('content-security-policy', csp);
      reply.header('x-frame-options', 'DENY');
      reply.header('referrer-policy', 'same-origin');
    }
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
