// The Traefik ForwardAuth middleware that guards every tenant router, as data. The route
// writer (edge/) puts it once in the shared dynamic-configuration file.
import type { Config } from '../config.js';

export const FORWARD_AUTH_PATH = '/auth/forward';

/** Headers the control plane sets for the tenant; Traefik deletes client-sent copies of each. */
export const IDENTITY_HEADERS = ['X-Berth-User-Id', 'X-Berth-User-Email', 'X-Berth-User-Role', 'X-Berth-Auth', 'X-Berth-Token-Scope'] as const;

/**
 * The only request headers the control plane needs; nothing else of the request leaves Traefik.
 * X-Request-Id: a client's own id is kept (logged by the control plane and the tenant alike).
 */
export const AUTH_REQUEST_HEADERS = ['Accept', 'Authorization', 'Cookie', 'X-Request-Id'] as const;

/**
 * The request's id, answered by the control plane on every ForwardAuth 200 and copied by Traefik
 * into the request it forwards, so one id is in Traefik's access log (which records request
 * headers after the middlewares ran), the control plane's log and the tenant's log.
 */
export const REQUEST_ID_RESPONSE_HEADER = 'X-Request-Id';

export interface ForwardAuthMiddleware {
  readonly address: string;
  readonly trustForwardHeader: true;
  readonly authRequestHeaders: readonly string[];
  readonly authResponseHeaders: readonly string[];
}

/**
 * Where ForwardAuth calls: Traefik's own loopback cpauth entrypoint when there is one (balanced
 * over every live web process), else this process's port (a single control plane).
 */
export function forwardAuthMiddleware(config: Pick<Config, 'httpHost' | 'httpPort'> & Partial<Pick<Config, 'cpAuthPort'>>): ForwardAuthMiddleware {
  const origin = config.cpAuthPort ? `http://127.0.0.1:${config.cpAuthPort}` : controlPlaneOrigin(config);
  return {
    address: `${origin}${FORWARD_AUTH_PATH}`,
    // Traefik's entrypoint already replaced client-sent X-Forwarded-* (forwardedHeaders not
    // trusted), so the values it hands on here are its own.
    trustForwardHeader: true,
    authRequestHeaders: [...AUTH_REQUEST_HEADERS],
    authResponseHeaders: [...IDENTITY_HEADERS, REQUEST_ID_RESPONSE_HEADER],
  };
}

/** This process's listener as Traefik dials it (a wildcard bind is reached on 127.0.0.1). */
export function controlPlaneOrigin(config: Pick<Config, 'httpHost' | 'httpPort'>): string {
  const host = ['0.0.0.0', '::', ''].includes(config.httpHost) ? '127.0.0.1' : config.httpHost;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `http://${hostPart}:${config.httpPort}`;
}
