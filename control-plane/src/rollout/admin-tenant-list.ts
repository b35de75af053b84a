// Every tenant for operators: desired image, what the reconciler last observed (state,
// detail, memory), and whether a rollout holds it right now. A read of SQLite only.
import type { Db } from '../db/open-database.js';
import { imageVersionOf } from '../tenants/tenant.js';
import { displayState } from '../tenants/tenant-views.js';

export interface AdminTenant {
  readonly slug: string;
  readonly owner: string;
  readonly image: string;
  readonly imageVersion: string;
  /** Image of the container serving now, as the reconciler last saw it (differs from image mid-rollout). */
  readonly runningImage: string | null;
  readonly generation: number;
  readonly desiredState: string;
  /** creating, starting, running, unhealthy, error, deleting, ... as the reconciler last recorded it. */
  readonly state: string;
  readonly health: 'healthy' | 'unhealthy' | 'unknown';
  readonly detail: string | null;
  readonly memoryBytes: number | null;
  readonly readyAt: number | null;
  /** Id of the rollout that holds the tenant, if any. */
  readonly rollout: number | null;
  /** Never hibernated (./berth tenants pin). */
  readonly pinnedAwake: boolean;
}

interface Row {
  slug: string; owner: string; image: string; generation: number; desired_state: string; state: string | null; detail: string | null;
  status_image: string | null; memory_bytes: number | null; ready_at: number | null; rollout_id: number | null; pinned_awake: number; asleep: number;
}

export function listAdminTenants(db: Db): AdminTenant[] {
  const rows = db.prepare(
    `SELECT t.slug, u.email AS owner, t.image, t.generation, t.desired_state, s.state, s.detail, s.image AS status_image,
            s.memory_bytes, s.ready_at, l.rollout_id, t.pinned_awake, t.asleep
       FROM tenants t
       JOIN users u ON u.id = t.owner_id
       LEFT JOIN tenant_status s ON s.tenant_id = t.id
       LEFT JOIN tenant_rollout_locks l ON l.tenant_id = t.id
      WHERE t.desired_state = 'running' OR t.volume_purged_at IS NULL
      ORDER BY t.desired_state DESC, t.slug`,
  ).all() as Row[];
  return rows.map((r) => {
    // A wake or a sleep shows from the moment it is decided (displayState), as on the dashboard.
    const observed = r.desired_state === 'running' && r.state !== null ? displayState('running', r.state, r.asleep === 1) : r.state;
    const state = r.rollout_id !== null ? 'rolling' : observed ?? 'unknown';
    return {
      slug: r.slug, owner: r.owner, image: r.image, imageVersion: imageVersionOf(r.image), runningImage: r.status_image, generation: r.generation,
      desiredState: r.desired_state, state, health: healthOf(observed, r.rollout_id), detail: r.detail, memoryBytes: r.memory_bytes,
      readyAt: r.ready_at, rollout: r.rollout_id, pinnedAwake: r.pinned_awake === 1,
    };
  });
}

function healthOf(state: string | null, rollout: number | null): AdminTenant['health'] {
  // A rolling tenant keeps its old container serving; the rollout reports its own progress.
  if (state === 'running' || state === 'hibernated') return 'healthy';
  if (state === null || (rollout !== null && state === 'starting')) return 'unknown';
  return ['unhealthy', 'error'].includes(state) ? 'unhealthy' : 'unknown';
}
