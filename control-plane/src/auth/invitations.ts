// Invitations by email. An owner invites an address, never an account: the answer ("invited")
// and the work done are the same whether or not someone has signed up with it, so inviting
// cannot be used to learn which addresses have accounts (before, an unknown address was a 404).
// The invitation waits, with the role chosen, until someone signs up, logs in or opens the
// dashboard with that address; then it becomes a membership. Invitations lapse after
// BERTH_INVITE_TTL_DAYS, owners revoke them, and sending them is budgeted per inviter and per
// instance (sliding windows in the shared throttle table).
import { writeAudit } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { BerthError } from '../errors.js';
import { checkEmail, normalizeEmail } from './account-rules.js';
import { recordAttempt, throttleRetryAfterS, type ThrottleRule } from './attempt-throttle.js';
import { ASSIGNABLE_ROLES, type TenantRef } from './roles.js';

export type InviteConfig = Pick<Config, 'inviteLimitPerInviter' | 'inviteLimitPerInstance' | 'inviteLimitWindowMinutes' | 'inviteTtlDays'>;
export type InvitedRole = (typeof ASSIGNABLE_ROLES)[number];

export interface Invitation {
  readonly id: number;
  readonly email: string;
  readonly role: InvitedRole;
  readonly invitedBy: string;
  readonly invitedAt: number;
  readonly expiresAt: number;
}

export interface Inviter {
  readonly id: number;
  readonly email: string;
}

const COLUMNS = 'id, email, role, invited_by AS invitedBy, created_at AS invitedAt, expires_at AS expiresAt';

export function inviteRules(config: InviteConfig): { inviter: ThrottleRule; instance: ThrottleRule } {
  const windowMs = config.inviteLimitWindowMinutes * 60_000;
  return {
    inviter: { kind: 'invite-inviter', limit: config.inviteLimitPerInviter, windowMs },
    instance: { kind: 'invite-instance', limit: config.inviteLimitPerInstance, windowMs },
  };
}

/**
 * Invites `rawEmail` to the tenant with `rawRole` (member or viewer; member when absent). The
 * caller has checked that the inviter owns the tenant. Inviting an address again renews its
 * invitation (new role, new expiry). Throws VALIDATION_FAILED, CONFLICT (already a member — the
 * owner sees members anyway), or INVITE_LIMIT with details.retryAfterS.
 */
export function inviteByEmail(db: Db, config: InviteConfig, tenant: TenantRef, inviter: Inviter, rawEmail: string, rawRole: string | undefined, now: number): Invitation {
  const email = normalizeEmail(rawEmail);
  const emailProblem = checkEmail(email);
  if (emailProblem) throw new BerthError('VALIDATION_FAILED', emailProblem, { fields: { email: emailProblem } });
  const role = rawRole ?? 'member';
  if (!(ASSIGNABLE_ROLES as readonly string[]).includes(role)) {
    throw new BerthError('VALIDATION_FAILED', `A role is ${ASSIGNABLE_ROLES.join(' or ')}.`, { fields: { role: ASSIGNABLE_ROLES.join(' or ') } });
  }
  const rules = inviteRules(config);
  return writeTx(db, () => {
    // Both budgets checked and counted in one write transaction, so concurrent invites cannot
    // all pass before any is counted.
    const retryAfterS = Math.max(
      throttleRetryAfterS(db, rules.inviter, String(inviter.id), now),
      throttleRetryAfterS(db, rules.instance, String(tenant.id), now),
    );
    if (retryAfterS > 0) {
      throw new BerthError('INVITE_LIMIT', `Too many invitations; try again in ${describeWait(retryAfterS)}.`, {
        retryAfterS,
        perInviter: config.inviteLimitPerInviter,
        perInstance: config.inviteLimitPerInstance,
        windowMinutes: config.inviteLimitWindowMinutes,
      });
    }
    recordAttempt(db, rules.inviter, String(inviter.id), now);
    recordAttempt(db, rules.instance, String(tenant.id), now);
    // The same lookup whether or not an account uses the address: it finds a row only when that
    // account is already on the member list the owner is looking at.
    const member = db
      .prepare('SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? AND u.email = ?')
      .get(tenant.id, email);
    if (member) throw new BerthError('CONFLICT', `${email} is already a member of ${tenant.slug}.`, { field: 'email' });
    const expiresAt = now + config.inviteTtlDays * 86_400_000;
    const invitation = db
      .prepare(
        `INSERT INTO invitations (tenant_id, email, role, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, email) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by,
           created_at = excluded.created_at, expires_at = excluded.expires_at
         RETURNING ${COLUMNS}`,
      )
      .get(tenant.id, email, role, inviter.email, now, expiresAt) as Invitation;
    writeAudit(db, now, inviter.email, 'member.invite', tenant.slug, { email, role });
    return invitation;
  });
}

/** The tenant's invitations still waiting (lapsed ones are not shown), oldest first. */
export function listInvitations(db: Db, tenantId: number, now: number): Invitation[] {
  return db
    .prepare(`SELECT ${COLUMNS} FROM invitations WHERE tenant_id = ? AND expires_at > ? ORDER BY created_at, id`)
    .all(tenantId, now) as Invitation[];
}

/** Withdraws an invitation (owner only, checked by the caller); NOT_FOUND if none is waiting. */
export function revokeInvitation(db: Db, tenant: TenantRef, invitationId: number, actor: string, now: number): void {
  writeTx(db, () => {
    const row = db.prepare('DELETE FROM invitations WHERE id = ? AND tenant_id = ? RETURNING email').get(invitationId, tenant.id) as { email: string } | undefined;
    if (!row) throw new BerthError('NOT_FOUND', `No invitation with id ${invitationId} is waiting for ${tenant.slug}.`);
    writeAudit(db, now, actor, 'member.uninvite', tenant.slug, { email: row.email });
  });
}

/**
 * Turns the waiting invitations of the user's address into memberships, each with its role,
 * and deletes every invitation of the address. Returns the slugs joined. Called when a session
 * is made (sign-up, log-in) and when the dashboard or instance list is read, so someone already
 * signed in sees the instance without logging in again. Reads first, so the common case (none
 * waiting) takes no write lock.
 */
export function acceptInvitations(db: Db, user: Inviter, now: number): string[] {
  if (!db.prepare('SELECT 1 FROM invitations WHERE email = ? LIMIT 1').get(user.email)) return [];
  return writeTx(db, () => {
    const waiting = db
      .prepare(
        `SELECT i.tenant_id AS tenantId, t.slug, i.role, i.invited_by AS invitedBy
           FROM invitations i JOIN tenants t ON t.id = i.tenant_id
          WHERE i.email = ? AND i.expires_at > ? AND t.desired_state <> 'deleted'`,
      )
      .all(user.email, now) as { tenantId: number; slug: string; role: InvitedRole; invitedBy: string }[];
    const insert = db.prepare('INSERT OR IGNORE INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)');
    const joined: string[] = [];
    for (const w of waiting) {
      // OR IGNORE: someone who is a member already (the owner, or added twice) keeps their role.
      if (insert.run(w.tenantId, user.id, w.role, now).changes === 0) continue;
      writeAudit(db, now, user.email, 'member.add', w.slug, { email: user.email, role: w.role, invitedBy: w.invitedBy });
      joined.push(w.slug);
    }
    db.prepare('DELETE FROM invitations WHERE email = ?').run(user.email);
    return joined;
  });
}

/** Deletes lapsed invitations and those of deleted tenants; returns how many. Call inside writeTx. */
export function sweepInvitations(db: Db, now: number): number {
  return db
    .prepare("DELETE FROM invitations WHERE expires_at <= ? OR tenant_id IN (SELECT id FROM tenants WHERE desired_state = 'deleted')")
    .run(now).changes;
}

function describeWait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
