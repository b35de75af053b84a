// The objects every tenant route refers to, defined exactly once (F5) in _shared.yml: the
// identity-header strip, ForwardAuth to the control plane, the retry backstop, and the
// control plane's own router and service.
import { forwardAuthMiddleware, IDENTITY_HEADERS } from '../auth/forward-auth-spec.js';
import type { Config } from '../config.js';
import { SHARED } from '../tenants/route.js';
import { wakeRouting } from './wake-routes.js';

/**
 * Strict-Transport-Security max-age (one year), with includeSubDomains: every host under the
 * domain is berth's and HTTPS-only (one wildcard certificate), so a browser that has seen one
 * answer never tries plain HTTP, where a network attacker could strip or plant cookies. No
 * `preload`: that is a promise to browser vendors only the operator can make.
 */
export const HSTS_MAX_AGE_S = 365 * 24 * 3600;

/** Deny answers are a short JSON error or a redirect. */
const FORWARD_AUTH_MAX_BODY_BYTES = 64 * 1024;

export interface SharedDocument {
  readonly http: {
    readonly middlewares: Record<string, unknown>;
    readonly routers: Record<string, unknown>;
    readonly services: Record<string, unknown>;
  };
}

export function sharedDocument(config: Pick<Config, 'domain' | 'httpHost' | 'httpPort'>): SharedDocument {
  const auth = forwardAuthMiddleware(config);
  const cpUrl = new URL(auth.address).origin;
  const wake = wakeRouting(config);
  return {
    http: {
      middlewares: {
        // An empty value makes Traefik delete the request header.
        [SHARED.stripIdentity]: { headers: { customRequestHeaders: Object.fromEntries(IDENTITY_HEADERS.map((h) => [h, ''])) } },
        // Identity headers come only from the control plane's answer (defined in auth/).
        // The body cap bounds what a deny answer may carry (and stops Traefik logging a warning
        // per router on every configuration rebuild).
        [SHARED.auth]: { forwardAuth: { ...auth, maxResponseBodySize: FORWARD_AUTH_MAX_BODY_BYTES } },
        // A backstop only: retries dial failures (nothing written to the backend yet).
        [SHARED.retry]: { retry: { attempts: 2, initialInterval: '50ms' } },
        // On every router, so every answer through the public entrypoint carries them: tenant
        // pages, the control plane's, refusals and Traefik's own 503. The content security
        // policy and Referrer-Policy stay with each app (they differ per page: script hashes,
        // no-referrer on the SSO hops), since this middleware would overwrite theirs.
        [SHARED.securityHeaders]: {
          headers: { frameDeny: true, contentTypeNosniff: true, stsSeconds: HSTS_MAX_AGE_S, stsIncludeSubdomains: true },
        },
        ...wake.middlewares,
      },
      routers: {
        'berth-cp': {
          rule: `Host(\`${config.domain}\`)`,
          entryPoints: ['websecure'],
          tls: {},
          middlewares: [`${SHARED.securityHeaders}@file`, `${SHARED.stripIdentity}@file`],
          service: SHARED.controlPlaneService,
        },
        // Hosts of hibernated tenants (no router of their own): see wake-routes.ts.
        ...wake.routers,
      },
      services: {
        [SHARED.controlPlaneService]: { loadBalancer: { servers: [{ url: cpUrl }], passHostHeader: true } },
      },
    },
  };
}
