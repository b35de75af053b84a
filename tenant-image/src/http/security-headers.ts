// The content security policy and referrer policy of every page of the tenant app. Traefik adds
// the rest on every answer (frame and sniffing refusals, HSTS: the control plane's
// edge/shared-config.ts); these two stay here because they follow the pages: the policy lists
// the hash of each inline script and style this app writes, so nothing else can run, even if
// a value from a CSV ever escaped its escaping.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PROGRESS_SCRIPT } from '../pages/import-progress-page.js';
import { CONFIRM_SCRIPT } from '../pages/layout.js';
import { CSS } from '../pages/styles.js';
import { UPLOAD_SCRIPT } from '../pages/tables-page.js';

/** Every inline script a page may carry (layout.ts writes them verbatim into <script>). */
export const INLINE_SCRIPTS: readonly string[] = [CONFIRM_SCRIPT, UPLOAD_SCRIPT, PROGRESS_SCRIPT];

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${INLINE_SCRIPTS.map(sha256).join(' ')}`,
  `style-src-elem ${sha256(CSS)}`,
  // Layout widths in style="" attributes (progress bars, inputs): attributes cannot load or
  // run anything, and hashing them would need one hash per value.
  "style-src-attr 'unsafe-inline'",
  // Uploads (XHR) and import progress (fetch) go to this host only.
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('referrer-policy', 'same-origin');
    }
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
}
