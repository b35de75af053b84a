// Who may use a tenant. Membership is checked on every tenant request (ForwardAuth), so
// removing a member takes effect at that member's next request; their tenant sessions are
// deleted too so nothing of them lingers.
import { writeAudit } from '../audit/audit-log.js';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { deleteMemberTokens } from './api-tokens.js';
import { ASSIGNABLE_ROLES, type Role, type TenantRef } from './roles.js';


export interface Member {
  readonly userId: number;
  readonly email: string;
  readonly role: Role;
  readonly addedAt: number;
}

export function findRole(db: Db, tenantId: number, userId: number): Role | null {
  const role = db.prepare('SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?').pluck().get(tenantId, userId);
  return (role as Role | undefined) ?? null;
}

export function listMembers(db: Db, tenantId: number): Member[] {
  return db
    .prepare(
      `SELECT m.user_id AS userId, u.email, m.role, m.created_at AS addedAt
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.tenant_id = ? ORDER BY m.role = 'owner' DESC, u.email`,
    )
    .all(tenantId) as Member[];
}

/** Makes the creator of a tenant its owner; call inside the write transaction that creates it. */
export function addOwner(db: Db, tenantId: number, userId: number, now: number): void {
  db.prepare("INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)").run(tenantId, userId, now);
}

/** Removes a member and every tenant session they hold for this tenant. The owner stays. */
export function removeMember(db: Db, tenant: TenantRef, userId: number, actor: string, now: number): void {
  writeTx(db, () => {
    const row = db
      .prepare('SELECT m.role, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? AND m.user_id = ?')
      .get(tenant.id, userId) as { role: Role; email: string } | undefined;
    if (!row) throw new BerthError('NOT_FOUND', `That person is not a member of ${tenant.slug}.`);
    if (row.role === 'owner') throw new BerthError('CONFLICT', `The owner of ${tenant.slug} cannot be removed.`);
    db.prepare('DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?').run(tenant.id, userId);
    const ofUser = 'session_id_hash IN (SELECT id_hash FROM sessions WHERE user_id = ?)';
    db.prepare(`DELETE FROM tenant_sessions WHERE tenant_id = ? AND ${ofUser}`).run(tenant.id, userId);
    db.prepare(`DELETE FROM sso_codes WHERE tenant_id = ? AND ${ofUser}`).run(tenant.id, userId);
    const tokens = deleteMemberTokens(db, tenant.id, userId);
    writeAudit(db, now, actor, 'member.remove', tenant.slug, { email: row.email, tokens });
  });
}

/** Gives a member another role (member or viewer); the owner's role does not change. Effective at their next request. */
export function setMemberRole(db: Db, tenant: TenantRef, userId: number, role: string, actor: string, now: number): Member {
  if (!(ASSIGNABLE_ROLES as readonly string[]).includes(role)) {
    throw new BerthError('VALIDATION_FAILED', `A role is ${ASSIGNABLE_ROLES.join(' or ')}.`, { fields: { role: ASSIGNABLE_ROLES.join(' or ') } });
  }
  return writeTx(db, () => {
    const row = db
      .prepare('SELECT m.role, u.email, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? AND m.user_id = ?')
      .get(tenant.id, userId) as { role: Role; email: string; created_at: number } | undefined;
    if (!row) throw new BerthError('NOT_FOUND', `That person is not a member of ${tenant.slug}.`);
    if (row.role === 'owner') throw new BerthError('CONFLICT', `The owner of ${tenant.slug} keeps the owner role.`);
    db.prepare('UPDATE memberships SET role = ? WHERE tenant_id = ? AND user_id = ?').run(role, tenant.id, userId);
    writeAudit(db, now, actor, 'member.role', tenant.slug, { email: row.email, from: row.role, to: role });
    return { userId, email: row.email, role: role as Role, addedAt: row.created_at };
  });
}
