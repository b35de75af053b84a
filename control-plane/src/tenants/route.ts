// A tenant's route: the Traefik dynamic configuration that serves <slug>.<domain>, as a pure
// function of the tenant and the URLs of its ready containers. Names derive from the slug
// only (tenantObjectName), so each router and service is defined exactly once, in one file (F5).
import type { Config } from '../config.js';
import { APP_PORT } from './container-spec.js';
import type { Tenant } from './tenant.js';

/** Names of objects defined once, in the shared file (see edge/shared-config.ts). */
export const SHARED = {
  auth: 'berth-auth',
  retry: 'berth-retry',
  stripIdentity: 'berth-strip-identity',
  securityHeaders: 'berth-security-headers',
  controlPlaneService: 'berth-cp',
} as const;

export const SSO_PATH_PREFIX = '/__berth/sso';

/** Tenant paths served without sign-in (load-balancer and health checks, version): their own router, and ForwardAuth lets them through. */
export const PUBLIC_TENANT_PATHS = ['/__lbheartbeat__', '/__heartbeat__', '/__version__'] as const;

export interface RouterConfig {
  readonly rule: string;
  readonly entryPoints: readonly string[];
  readonly tls: Record<string, never>;
  readonly middlewares: readonly string[];
  readonly service: string;
  readonly priority?: number;
  /** Traefik v3 per-router observability; the SSO router turns its access log off. */
  readonly observability?: { readonly accessLogs: boolean };
}

export interface ServiceConfig {
  readonly loadBalancer: { readonly servers: readonly { readonly url: string }[]; readonly passHostHeader: true };
}

/** One Traefik dynamic-configuration document (the file provider's format, http section only). */
export interface RouteDocument {
  readonly http: {
    readonly routers: Readonly<Record<string, RouterConfig>>;
    readonly services?: Readonly<Record<string, ServiceConfig>>;
  };
}

/** What a tenant's router or service is for; `app` is the tenant's own router and its service. */
export type TenantObjectRole = 'app' | 'health' | 'sso';

/**
 * The Traefik name of one of a tenant's objects: `t-<slug>` for the app router and service,
 * `t-<slug>.<role>` for the others. A slug never contains a dot (slug-rules.ts), so everything
 * between `t-` and the first dot is the whole slug: no slug can produce a name of another
 * tenant, whatever the two slugs are. (The old `t-<slug>-sso` let tenant `acme-sso` define
 * tenant `acme`'s SSO router.) Traefik's file provider takes map keys verbatim, dots included.
 */
export function tenantObjectName(slug: string, role: TenantObjectRole): string {
  return role === 'app' ? `t-${slug}` : `t-${slug}.${role}`;
}

/** The slug and role a tenant object name was made from, or null if it is not one (`@file` suffix allowed). */
export function parseTenantObjectName(name: string): { slug: string; role: TenantObjectRole } | null {
  const m = /^t-([a-z0-9-]+)(?:\.(health|sso))?(?:@[a-z]+)?$/.exec(name);
  return m ? { slug: m[1]!, role: (m[2] as TenantObjectRole | undefined) ?? 'app' } : null;
}

export function routerNameFor(slug: string): string {
  return tenantObjectName(slug, 'app');
}

export function serverUrlFor(ip: string): string {
  return `http://${ip}:${APP_PORT}`;
}

export function hostFor(slug: string, config: Pick<Config, 'domain'>): string {
  return `${slug}.${config.domain}`;
}

/**
 * The route of one tenant. With no ready container the service is written with an empty
 * server list (F6): Traefik then answers 503 for the host (the tenant exists, it is just not
 * serving), rather than the 404 of a missing router, and the next write only adds a server.
 * Server URLs are sorted so the document (and the file) only changes when the set changes.
 */
export function routeFor(tenant: Pick<Tenant, 'slug'>, readyServerUrls: readonly string[], config: Pick<Config, 'domain'>): RouteDocument {
  const name = routerNameFor(tenant.slug);
  const host = `Host(\`${hostFor(tenant.slug, config)}\`)`;
  const base = { entryPoints: ['websecure'], tls: {} } as const;
  const publicPaths = PUBLIC_TENANT_PATHS.map((p) => `Path(\`${p}\`)`).join(' || ');
  const servers = [...new Set(readyServerUrls)].sort().map((url) => ({ url }));
  return {
    http: {
      routers: {
        [name]: {
          ...base,
          rule: host,
          // Headers first: its answer-side rewrite then covers ForwardAuth's refusals too.
          middlewares: [`${SHARED.securityHeaders}@file`, `${SHARED.stripIdentity}@file`, `${SHARED.auth}@file`, `${SHARED.retry}@file`],
          service: name,
        },
        // Health and version answer without sign-in, like the control plane's own.
        [tenantObjectName(tenant.slug, 'health')]: {
          ...base,
          rule: `${host} && (${publicPaths})`,
          middlewares: [`${SHARED.securityHeaders}@file`, `${SHARED.stripIdentity}@file`, `${SHARED.retry}@file`],
          service: name,
          priority: 1000,
        },
        // The single-sign-on hand-off lands on the tenant host but is served by the control plane.
        [tenantObjectName(tenant.slug, 'sso')]: {
          ...base,
          rule: `${host} && PathPrefix(\`${SSO_PATH_PREFIX}\`)`,
          middlewares: [`${SHARED.securityHeaders}@file`, `${SHARED.stripIdentity}@file`],
          service: `${SHARED.controlPlaneService}@file`,
          priority: 1001,
          // Its URL carries the one-time code (?code=...): no access-log line may record it.
          observability: { accessLogs: false },
        },
      },
      services: {
        [name]: { loadBalancer: { servers, passHostHeader: true } },
      },
    },
  };
}

/** The server URLs a route document sends traffic to (what the reconciler compares). */
export function serversOf(doc: RouteDocument, slug: string): string[] {
  return (doc.http.services?.[routerNameFor(slug)]?.loadBalancer.servers ?? []).map((s) => s.url).sort();
}
