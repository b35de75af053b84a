// The changes people make to tenants: each writes desired state in one transaction, logs it
// to audit_log and nudges the reconciler. Nothing here calls Docker. The HTTP routes and the
// integration harness call these; the tenants table itself is written by tenant-store.ts.
import { writeAudit } from '../audit/audit-log.js';
import { deleteTenantTokens } from '../auth/api-tokens.js';
import { addOwner } from '../auth/memberships.js';
import { endTenantSessions } from '../auth/sso.js';
import type { User } from '../auth/users.js';
import type { Config } from '../config.js';
import { writeTx, type Db } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { checkSlug } from './slug-rules.js';
import { insertTenant, markTenantDeleted, slugInUse } from './tenant-store.js';
import { countOwnedTenants, findTenantForUser, type TenantView } from './tenant-views.js';
import { requireFreeDisk, type DiskGuardConfig } from '../db/free-disk.js';

export interface TenantCommandDeps {
  readonly db: Db;
  readonly config: Pick<Config, 'domain' | 'publicHttpsPort' | 'tenantImage' | 'volumeRetentionHours' | 'maxInstancesPerAccount'> & DiskGuardConfig;
  /** Wake the reconciler: the change is desired state only until it converges. */
  readonly nudge: () => void;
}

export function createTenant(deps: TenantCommandDeps, user: Pick<User, 'id' | 'email'>, rawSlug: string, now: number): TenantView {
  const slug = rawSlug.trim();
  const problem = checkSlug(slug, deps.config.domain);
  if (problem) throw new BerthError('VALIDATION_FAILED', problem, { fields: { slug: problem } });
  requireFreeDisk(deps.config);
  writeTx(deps.db, () => {
    // Counted in the write transaction, so concurrent creations cannot pass the limit together.
    const limit = deps.config.maxInstancesPerAccount;
    if (limit > 0 && countOwnedTenants(deps.db, user.id) >= limit) {
      throw new BerthError('INSTANCE_LIMIT', `You already have ${limit} instance${limit === 1 ? '' : 's'}, the most one account may have (BERTH_MAX_INSTANCES_PER_ACCOUNT). Delete one to create another.`, { limit });
    }
    // A deleted tenant keeps its slug while its volume is retained: the name is its volume's.
    if (slugInUse(deps.db, slug)) {
      throw new BerthError('SLUG_TAKEN', `${slug} is already taken; choose another subdomain.`, { fields: { slug: 'already taken' } });
    }
    const tenantId = insertTenant(deps.db, { slug, ownerId: user.id, image: deps.config.tenantImage }, now);
    addOwner(deps.db, tenantId, user.id, now);
    writeAudit(deps.db, now, user.email, 'tenant.create', slug, { image: deps.config.tenantImage });
  });
  deps.nudge();
  return findTenantForUser(deps.db, deps.config, slug, user.id)!;
}

/**
 * Marks a tenant deleted: the reconciler removes its route and container at once and keeps
 * its volume until purge_volume_after. Its tenant sessions and codes end now, so ForwardAuth
 * refuses it immediately.
 */
export function deleteTenant(deps: TenantCommandDeps, user: Pick<User, 'email'>, tenant: TenantView, now: number): void {
  if (tenant.role !== 'owner') throw new BerthError('FORBIDDEN', `Only the owner can delete ${tenant.slug}.`);
  const purgeAfter = now + deps.config.volumeRetentionHours * 3600_000;
  writeTx(deps.db, () => {
    if (!markTenantDeleted(deps.db, tenant.id, purgeAfter, now)) throw new BerthError('NOT_FOUND', `${tenant.slug} is already deleted.`);
    endTenantSessions(deps.db, tenant.id);
    deleteTenantTokens(deps.db, tenant.id);
    writeAudit(deps.db, now, user.email, 'tenant.delete', tenant.slug, { purgeVolumeAfter: new Date(purgeAfter).toISOString() });
  });
  deps.nudge();
}

/** The tenant for a member, else NOT_FOUND (non-members cannot tell it exists). */
export function requireTenant(deps: Pick<TenantCommandDeps, 'db' | 'config'>, user: Pick<User, 'id'>, slug: string): TenantView {
  const tenant = findTenantForUser(deps.db, deps.config, slug, user.id);
  if (!tenant) throw new BerthError('NOT_FOUND', `You have no instance called ${slug}.`);
  return tenant;
}

export function requireOwner(tenant: TenantView, action: string): void {
  if (tenant.role !== 'owner') throw new BerthError('FORBIDDEN', `Only the owner of ${tenant.slug} can ${action}.`);
}
