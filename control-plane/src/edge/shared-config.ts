// The objects every tenant route refers to, defined exactly once (F5) in _shared.yml: the
// identity-header strip, ForwardAuth to the control plane, the retry backstop, and the
// control plane's own routers and its service: every live web process, health-checked
// (edge/control-plane-pool.ts keeps the list).
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

/**
 * Traefik's health check of each control-plane web process (../shared PLATFORM.md: 1 s / 500 ms
 * with a 1.5 s drain gave 0 errors across restarts). A process that stops answers 503 first
 * (BERTH_DRAIN_MS, longer than the interval), so no new request reaches it while it closes.
 */
export const CONTROL_PLANE_HEALTH_CHECK = { path: '/__lbheartbeat__', interval: '1s', timeout: '500ms' } as const;

/** Router of Traefik's loopback cpauth entrypoint: ForwardAuth's calls, balanced over the web processes. */
export const CP_AUTH_ROUTER = 'berth-cp-auth';
const CP_RETRY = 'berth-cp-retry';

/** `servers`: the control-plane web processes' origins (never empty: see controlPlaneServers). */
export function sharedDocument(config: Pick<Config, 'domain' | 'httpHost' | 'httpPort' | 'cpAuthPort'>, servers: readonly string[]): SharedDocument {
  const auth = forwardAuthMiddleware(config);
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
        // The control plane's: a killed web process refuses connections for up to a health
        // interval (1 s) and round-robin may pick it twice in a row, so more attempts.
        [CP_RETRY]: { retry: { attempts: 4, initialInterval: '100ms' } },
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
          middlewares: [`${SHARED.securityHeaders}@file`, `${SHARED.stripIdentity}@file`, `${CP_RETRY}@file`],
          service: SHARED.controlPlaneService,
        },
        // ForwardAuth's own calls (no ForwardAuth here). Not in the access log: one line per
        // tenant request is already there.
        ...(config.cpAuthPort ? {
          [CP_AUTH_ROUTER]: {
            rule: 'PathPrefix(`/`)',
            entryPoints: ['cpauth'],
            middlewares: [`${CP_RETRY}@file`],
            service: SHARED.controlPlaneService,
            observability: { accessLogs: false },
          },
        } : {}),
        // Hosts of hibernated tenants (no router of their own): see wake-routes.ts.
        ...wake.routers,
      },
      services: {
        [SHARED.controlPlaneService]: {
          loadBalancer: { servers: servers.map((url) => ({ url })), passHostHeader: true, healthCheck: CONTROL_PLANE_HEALTH_CHECK },
        },
      },
    },
  };
}
