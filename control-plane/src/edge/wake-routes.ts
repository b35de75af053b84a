// The catch-all that makes hibernation possible without a route per sleeping tenant. A
// hibernated tenant has no router of its own, so a request for its host falls through to
// `berth-wake` (priority 1, below every tenant router): ForwardAuth first, exactly as on a
// tenant router (anonymous requests get their 302/401 there and never wake anything), then
// the control plane's waker, which sees the original path under WAKE_PATH_PREFIX. The SSO
// hand-off of a sleeping tenant gets the same treatment as the tenant's own -sso router.
import type { Config } from '../config.js';
import { SHARED, SSO_PATH_PREFIX } from '../tenants/route.js';

export const WAKE_PATH_PREFIX = '/__berth/wake';
export const WAKE_PREFIX_MIDDLEWARE = 'berth-wake-prefix';
export const WAKE_ROUTER = 'berth-wake';

/** Every one-label subdomain of the domain (Go regexp, anchored; Traefik v3 matches the host without its port). */
export function tenantHostsRule(config: Pick<Config, 'domain'>): string {
  const domain = config.domain.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return `HostRegexp(\`^[a-z0-9][a-z0-9-]*\\.${domain}$\`)`;
}

export function wakeRouting(config: Pick<Config, 'domain'>): { middlewares: Record<string, unknown>; routers: Record<string, unknown> } {
  const base = { entryPoints: ['websecure'], tls: {}, service: SHARED.controlPlaneService };
  return {
    middlewares: {
      [WAKE_PREFIX_MIDDLEWARE]: { addPrefix: { prefix: WAKE_PATH_PREFIX } },
    },
    routers: {
      [WAKE_ROUTER]: {
        ...base,
        rule: tenantHostsRule(config),
        priority: 1,
        middlewares: [`${SHARED.securityHeaders}@file`, `${SHARED.stripIdentity}@file`, `${SHARED.auth}@file`, `${WAKE_PREFIX_MIDDLEWARE}@file`],
      },
      [`${WAKE_ROUTER}-sso`]: {
        ...base,
        rule: `${tenantHostsRule(config)} && PathPrefix(\`${SSO_PATH_PREFIX}\`)`,
        priority: 2,
        middlewares: [`${SHARED.securityHeaders}@file`, `${SHARED.stripIdentity}@file`],
        // Its URL carries the one-time code.
        observability: { accessLogs: false },
      },
    },
  };
}
