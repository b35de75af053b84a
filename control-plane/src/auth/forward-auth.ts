// The decision Traefik asks for on every tenant request: may this request reach the tenant,
// and as whom? On the hot path: statements are prepared once, and a request costs one hash
// and at most two indexed lookups.
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { PUBLIC_TENANT_PATHS } from '../tenants/route.js';
import { createRunningTenantLookup } from '../tenants/tenant-store.js';
import { createBearerCheck } from './bearer-auth.js';
import { cookieCandidates } from './cookie-names.js';
import type { Role } from './roles.js';
import { isLocalPath, slugFromHost } from './tenant-host.js';
import { hashToken, isTokenShaped } from './tokens.js';

/** What Traefik tells us about the original request. */
export interface ForwardedRequest {
  readonly host?: string;
  readonly uri?: string;
  readonly method?: string;
  readonly accept?: string;
  readonly authorization?: string;
  readonly cookie?: string;
}

export type ForwardDecision =
  | { readonly kind: 'allow'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'deny'; readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND'; readonly message: string };

interface SessionRow {
  user_id: number;
  email: string;
  role: Role | null;
}

export type ForwardAuth = (req: ForwardedRequest, now: number) => ForwardDecision;

export function createForwardAuth(db: Db, config: Pick<Config, 'domain' | 'publicUrl' | 'secureCookies'>): ForwardAuth {
  const runningTenantId = createRunningTenantLookup(db);
  const checkBearer = createBearerCheck(db, config.publicUrl);
  const sessionFor = db.prepare(
    `SELECT u.id AS user_id, u.email, m.role
       FROM tenant_sessions ts
       JOIN sessions s ON s.id_hash = ts.session_id_hash
       JOIN users u ON u.id = s.user_id
       LEFT JOIN memberships m ON m.tenant_id = ts.tenant_id AND m.user_id = s.user_id
      WHERE ts.id_hash = ? AND ts.tenant_id = ? AND ts.expires_at > ? AND s.expires_at > ?`,
  );

  return (req, now): ForwardDecision => {
    const slug = slugFromHost(req.host, config.domain);
    const tenantId = slug === null ? undefined : runningTenantId(slug);
    if (slug === null || tenantId === undefined) return { kind: 'deny', code: 'NOT_FOUND', message: 'No such instance.' };

    const uri = isLocalPath(req.uri) ? req.uri : '/';
    const path = uri.split('?')[0]!;
    if ((PUBLIC_TENANT_PATHS as readonly string[]).includes(path)) return { kind: 'allow', headers: {} };
    // A bearer request is decided by its token alone (no cookie fallback): a script with a dead
    // token must hear so, not be let in on a browser's cookie.
    if (/^bearer\s/i.test(req.authorization ?? '')) return checkBearer(req.authorization!, { id: tenantId, slug }, now);

    let nonMember = false;
    // The __Host- cookie only (cookie-names.ts): a copy a sibling tossed is never read.
    for (const token of cookieCandidates(req.cookie, 'tenant', config)) {
      if (!isTokenShaped(token)) continue;
      const row = sessionFor.get(hashToken(token), tenantId, now, now) as SessionRow | undefined;
      if (!row) continue;
      if (row.role === null) {
        nonMember = true;
        continue;
      }
      return {
        kind: 'allow',
        headers: { 'X-Berth-User-Id': String(row.user_id), 'X-Berth-User-Email': row.email, 'X-Berth-User-Role': row.role, 'X-Berth-Auth': 'session' },
      };
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if ((method === 'GET' || method === 'HEAD') && (req.accept ?? '').includes('text/html')) {
      const query = new URLSearchParams({ tenant: slug, rd: uri });
      return { kind: 'redirect', location: `${config.publicUrl}/sso/start?${query}` };
    }
    return nonMember
      ? { kind: 'deny', code: 'FORBIDDEN', message: `You are not a member of ${slug}.` }
      : { kind: 'deny', code: 'UNAUTHENTICATED', message: `Sign in at ${config.publicUrl} to use ${slug}.` };
  };
}
