// The changes people make to tenants: each writes desired state in one transaction, logs it
// to audit_log and nudges the reconciler. Nothing here calls Docker.
import { writeAudit } from '../auth/memberships.js';
import type { User } from '../auth/users.js';
import { BerthError } from '../errors.js';
import { writeTx } from '../db/open-database.js';
import type { AppDeps } from './app-deps.js';
import { checkSlug } from './slug-rules.js';
import { findTenantForUser, type TenantView } from './tenant-views.js';

type Deps = Pick<AppDeps, 'db' | 'config' | 'nudge'>;

export function createTenant(deps: Deps, user: User, rawSlug: string, now: number): TenantView {
  const slug = rawSlug.trim();
  const problem = checkSlug(slug, deps.config.domain);
  if (problem) throw new BerthError('VALIDATION_FAILED', problem, { fields: { slug: problem } });
  writeTx(deps.db, () => {
    // A deleted tenant keeps its slug while its volume is retained: the name is its volume's.
    if (deps.db.prepare('SELECT 1 FROM tenants WHERE slug = ?').get(slug)) {
      throw new BerthError('SLUG_TAKEN', `${slug} is already taken; choose another subdomain.`, { fields: { slug: 'already taken' } });
    }
    const info = deps.db
      .prepare("INSERT INTO tenants (slug, owner_id, image, desired_state, generation, created_at) VALUES (?, ?, ?, 'running', 1, ?)")
      .run(slug, user.id, deps.config.tenantImage, now);
    deps.db.prepare("INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)").run(info.lastInsertRowid, user.id, now);
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
export function deleteTenant(deps: Deps, user: User, tenant: TenantView, now: number): void {
  if (tenant.role !== 'owner') throw new BerthError('FORBIDDEN', `Only the owner can delete ${tenant.slug}.`);
  const purgeAfter = now + deps.config.volumeRetentionHours * 3600_000;
  writeTx(deps.db, () => {
    const changed = deps.db
      .prepare("UPDATE tenants SET desired_state = 'deleted', deleted_at = ?, purge_volume_after = ? WHERE id = ? AND desired_state = 'running'")
      .run(now, purgeAfter, tenant.id).changes;
    if (changed === 0) throw new BerthError('NOT_FOUND', `${tenant.slug} is already deleted.`);
    deps.db.prepare('DELETE FROM tenant_sessions WHERE tenant_id = ?').run(tenant.id);
    deps.db.prepare('DELETE FROM sso_codes WHERE tenant_id = ?').run(tenant.id);
    writeAudit(deps.db, now, user.email, 'tenant.delete', tenant.slug, { purgeVolumeAfter: new Date(purgeAfter).toISOString() });
  });
  deps.nudge();
}

/** The tenant for a member, else NOT_FOUND (non-members cannot tell it exists). */
export function requireTenant(deps: Pick<AppDeps, 'db' | 'config'>, user: User, slug: string): TenantView {
  const tenant = findTenantForUser(deps.db, deps.config, slug, user.id);
  if (!tenant) throw new BerthError('NOT_FOUND', `You have no instance called ${slug}.`);
  return tenant;
}

export function requireOwner(tenant: TenantView, action: string): void {
  if (tenant.role !== 'owner') throw new BerthError('FORBIDDEN', `Only the owner of ${tenant.slug} can ${action}.`);
}
