// The admin tenant table's "Last replicated" column: when Litestream last confirmed each
// tenant's database replicated, or why it is not. The backup supervisor runs in the process
// holding the background-work lease; another process has no figures and says so. Pure.
import { html, type Html } from '@berth/common/html';
import type { BackupStatus, TenantReplication } from '../backup/backup-supervisor.js';

export interface ReplicationView {
  /** Null: this process does not run the replication (another holds the lease). */
  readonly bySlug: ReadonlyMap<string, TenantReplication> | null;
  readonly lagLimitMs: number;
  readonly now: number;
}

export function replicationView(status: BackupStatus | null, lagLimitMs: number, now: number): ReplicationView {
  return { bySlug: status ? new Map(status.tenants.map((t) => [t.slug, t])) : null, lagLimitMs, now };
}

export function replicationHeader(): Html {
  return html`<th>Last replicated</th>`;
}

export function replicationCell(slug: string, desiredState: string, v: ReplicationView): Html {
  if (desiredState !== 'running') return html`<td class="small muted">—</td>`;
  if (!v.bySlug) return html`<td class="small muted" data-testid="replicated-${slug}">(shown by the lease holder)</td>`;
  const r = v.bySlug.get(slug);
  if (!r) return html`<td class="small muted" data-testid="replicated-${slug}">—</td>`;
  const late = r.lagMs > v.lagLimitMs;
  const when = r.lastReplicatedAt === null ? 'never' : `${ago(v.now - r.lastReplicatedAt)} ago`;
  return html`<td class="small" data-testid="replicated-${slug}"${r.lastReplicatedAt === null ? '' : html` title="${new Date(r.lastReplicatedAt).toISOString()}"`}>
    <span class="state" data-state="${late || r.problem ? 'failed' : 'healthy'}">${when}</span>${r.parked ? html` <span class="muted">asleep: replica complete</span>` : ''}
    ${r.problem ? html`<div class="small bad">${r.problem}</div>` : ''}</td>`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
