// Tenants as people see them: desired state joined with what the reconciler last observed.
import type { Role } from '../auth/roles.js';
import { tenantUrl, type Config } from '../config.js';
import type { Db } from '../db/open-database.js';

export interface TenantView {
  readonly id: number;
  readonly slug: string;
  readonly url: string;
  readonly role: Role;
  readonly desiredState: 'running' | 'deleted';
  /** What the reconciler reports (creating, starting, running, unhealthy, deleting, error), or creating before it has. */
  readonly state: string;
  readonly detail: string | null;
  readonly createdAt: number;
  readonly readyAt: number | null;
  readonly memoryBytes: number | null;
}

/**
 * The state to show, or null when a deleted tenant is gone (the reconciler reported it
 * deleted or dropped its status row). Before the first observation a running tenant is
 * being created; a deleted one is being deleted until observed gone. A wake or a sleep is
 * shown from the moment it is decided: the reconciler records what it observed at its next
 * full pass, and a woken instance already answers before then (the waker forwards to it).
 */
export function displayState(desired: string, observed: string | null, asleep: boolean): string | null {
  if (desired === 'deleted') return observed === null || observed === 'deleted' ? null : 'deleting';
  const sleeping = observed === 'hibernated' || observed === 'hibernating';
  if (!asleep && sleeping) return 'waking';
  if (asleep && observed !== null && !sleeping) return 'hibernating';
  return observed ?? 'creating';
}

interface Row {
  id: number;
  slug: string;
  role: Role;
  desired_state: 'running' | 'deleted';
  created_at: number;
  state: string | null;
  asleep: number;
  detail: string | null;
  ready_at: number | null;
  memory_bytes: number | null;
}

const SELECT = `
  SELECT t.id, t.slug, m.role, t.desired_state, t.created_at, s.state, t.asleep, s.detail, s.ready_at, s.memory_bytes
    FROM memberships m
    JOIN tenants t ON t.id = m.tenant_id
    LEFT JOIN tenant_status s ON s.tenant_id = t.id
   WHERE m.user_id = ?`;

// Deleted tenants stay visible (as "deleting") for at most this long after deletion.
const SHOW_DELETED_MS = 3600_000;

export function listTenantsForUser(db: Db, config: Pick<Config, 'domain' | 'publicHttpsPort'>, userId: number, now: number): TenantView[] {
  const rows = db.prepare(`${SELECT} AND (t.desired_state = 'running' OR t.deleted_at > ?) ORDER BY t.slug`).all(userId, now - SHOW_DELETED_MS) as Row[];
  return rows.map((r) => toView(r, config)).filter((v): v is TenantView => v !== null);
}

/** The tenant if `userId` is a member and it is not deleted, else null (existence is not revealed). */
export function findTenantForUser(db: Db, config: Pick<Config, 'domain' | 'publicHttpsPort'>, slug: string, userId: number): TenantView | null {
  const row = db.prepare(`${SELECT} AND t.slug = ? AND t.desired_state = 'running'`).get(userId, slug) as Row | undefined;
  return row ? toView(row, config) : null;
}

function toView(r: Row, config: Pick<Config, 'domain' | 'publicHttpsPort'>): TenantView | null {
  const state = displayState(r.desired_state, r.state, r.asleep === 1);
  if (state === null) return null;
  return {
    id: r.id,
    slug: r.slug,
    url: tenantUrl(config, r.slug),
    role: r.role,
    desiredState: r.desired_state,
    state,
    detail: r.detail,
    createdAt: r.created_at,
    readyAt: r.ready_at,
    memoryBytes: r.memory_bytes,
  };
}

/** Instances the person owns that are not deleted (what BERTH_MAX_INSTANCES_PER_ACCOUNT counts). */
export function countOwnedTenants(db: Db, userId: number): number {
  const row = db.prepare(`SELECT count(*) AS n FROM tenants WHERE owner_id = ? AND desired_state = 'running'`).get(userId) as { n: number };
  return row.n;
}
