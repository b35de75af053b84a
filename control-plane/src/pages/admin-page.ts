// The operators' page: start a rollout, watch rollouts live, see every tenant's image,
// health, and CPU, memory and disk over the last 24 hours. Server-rendered (it works without
// JavaScript; the script only makes running rollouts move), every value escaped by html``.
import { tenantUrl, type Config } from '../config.js';
import type { AdminTenant } from '../rollout/admin-tenant-list.js';
import { ACTIVE_ROLLOUT_STATES } from '../rollout/rollout-types.js';
import { describeTenant, type RolloutSummary, type RolloutTenantView } from '../rollout/rollout-views.js';
import { imageVersionOf } from '../tenants/tenant.js';
import { ADMIN_SCRIPT, ADMIN_STYLE } from './admin-assets.js';
import { html, type Html, trusted } from '@berth/common/html';
import { renderLayout, type PageUser } from './layout.js';
import { processTable, type ProcessesView } from './process-table.js';
import { replicationCell, replicationHeader, type ReplicationView } from './replication-column.js';
import { resourceCells, resourceHeaders, type ResourceWindow } from './resource-columns.js';

export interface AdminPageData {
  readonly user: PageUser;
  readonly tenants: readonly AdminTenant[];
  readonly rollouts: readonly { readonly rollout: RolloutSummary; readonly tenants: readonly RolloutTenantView[] }[];
  readonly defaults: { readonly image: string; readonly parallel: number };
  readonly form?: { readonly error: string; readonly image: string; readonly canary: string; readonly parallel: string; readonly tenants: string };
  readonly config: Pick<Config, 'domain' | 'publicHttpsPort'>;
  /** CPU, memory and disk samples of the last 24 hours. */
  readonly resources: ResourceWindow;
  /** Each tenant's last replicated moment (backups). */
  readonly replication: ReplicationView;
  /** The control-plane processes and the lease (absent: a process without the register). */
  readonly processes?: ProcessesView;
}

export function renderAdminPage(d: AdminPageData): string {
  const body = html`<style>${trusted(ADMIN_STYLE)}</style>
<h1>Operations</h1>
<div class="grid">
  ${startForm(d)}
  <section class="card" aria-labelledby="rollouts-h"><h2 id="rollouts-h">Rollouts</h2>
    ${d.rollouts.length === 0 ? html`<p class="muted">No rollout yet.</p>` : d.rollouts.map((r) => rolloutBlock(r.rollout, r.tenants, d.user.csrfToken))}
  </section>
</div>
${tenantTable(d)}
${d.processes ? processTable(d.processes) : ''}
<script>${trusted(ADMIN_SCRIPT)}</script>`;
  return renderLayout({ title: 'Operations', user: d.user, body });
}

function startForm(d: AdminPageData): Html {
  const f = d.form;
  return html`<section class="card" aria-labelledby="start-h"><h2 id="start-h">Start a rollout</h2>
  ${f ? html`<div class="alert" role="alert">${f.error}</div>` : ''}
  <form method="post" action="/admin/rollouts">
    <input type="hidden" name="_csrf" value="${d.user.csrfToken}">
    <label for="image">Image</label>
    <input type="text" id="image" name="image" required maxlength="255" value="${f?.image ?? d.defaults.image}" placeholder="berth/tenant:v2">
    <p class="hint">Must exist on this host (<code>./berth image --version v2</code> builds one).</p>
    <div class="row2">
      <div><label for="canary">Canary tenants</label><input type="number" id="canary" name="canary" min="0" max="1000" value="${f?.canary ?? '1'}"></div>
      <div><label for="parallel">Parallelism</label><input type="number" id="parallel" name="parallel" min="1" max="64" value="${f?.parallel ?? String(d.defaults.parallel)}"></div>
    </div>
    <label for="tenants">Only these tenants <span class="muted">(optional, comma-separated)</span></label>
    <input type="text" id="tenants" name="tenants" value="${f?.tenants ?? ''}" placeholder="all running tenants">
    <p class="hint">Canary tenants roll first; if one of them cannot be rolled, the rollout stops and nobody else is touched.</p>
    <div class="actions"><button type="submit">Start rollout</button></div>
  </form></section>`;
}

function rolloutBlock(r: RolloutSummary, tenants: readonly RolloutTenantView[], csrfToken: string): Html {
  const c = r.counts;
  const finished = c.done + c.rolledBack + c.failed + c.skipped;
  const pct = c.total ? Math.round((100 * finished) / c.total) : 100;
  const live = ACTIVE_ROLLOUT_STATES.includes(r.state);
  const countsText = `${c.done} done, ${c.rolling} rolling, ${c.pending} waiting, ${c.rolledBack + c.failed} not rolled, ${c.skipped} skipped of ${c.total}`;
  return html`<div class="rollout" id="rollout-${r.id}"${live ? html` data-events-url="/api/v1/rollouts/${r.id}/events"` : ''}>
    <h3>#${r.id} → <code>${r.image}</code> <span class="state" data-role="state" data-state="${r.state}">${r.state}</span>
      ${r.unsafe ? html`<span class="state" data-state="failed">unsafe: ${r.unsafe}</span>` : ''}</h3>
    <progress class="bar" max="100" value="${pct}" data-state="${r.state}">${pct}%</progress>
    <div class="small muted"><span data-role="counts">${countsText}</span> · canary ${r.canary}, parallel ${r.parallel} · by ${r.createdBy},
      ${new Date(r.createdAt).toISOString().replace('T', ' ').slice(0, 19)} UTC</div>
    ${r.error ? html`<div class="small bad">${r.error}</div>` : ''}
    <ul class="lines">${tenants.map((t) => html`<li data-state="${t.state}">${describeTenant(t, r.image)}</li>`)}</ul>
    ${live && !r.cancelRequested ? html`<form method="post" action="/admin/rollouts/${r.id}/cancel" class="actions">
      <input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit" class="secondary">Cancel</button></form>` : ''}
  </div>`;
}

function tenantTable(d: AdminPageData): Html {
  return html`<section class="card" aria-labelledby="tenants-h"><h2 id="tenants-h">Tenants (${d.tenants.length})</h2>
  ${d.tenants.length === 0 ? html`<p class="muted">No tenant yet.</p>` : html`<table>
    <thead><tr><th>Tenant</th><th>Image</th><th>State</th><th>Health</th>${resourceHeaders()}${replicationHeader()}<th>Owner</th></tr></thead>
    <tbody>${d.tenants.map((t) => html`<tr>
      <td>${t.desiredState === 'running' ? html`<a href="${tenantUrl(d.config, t.slug)}/">${t.slug}</a>` : t.slug}</td>
      <td><code>${t.imageVersion}</code>${t.runningImage && t.runningImage !== t.image ? html` <span class="muted small">(serving ${imageVersionOf(t.runningImage)})</span>` : ''}</td>
      <td><span class="state" data-state="${t.state}">${t.state}</span>${t.rollout ? html` <a class="small" href="#rollout-${t.rollout}">#${t.rollout}</a>` : ''}
        ${t.desiredState === 'running' ? pinToggle(t.slug, t.pinnedAwake, d.user.csrfToken) : ''}</td>
      <td><span class="state" data-state="${t.health}">${t.health}</span>${t.detail ? html`<div class="small muted">${t.detail}</div>` : ''}</td>
      ${resourceCells(t.slug, d.resources, t.memoryBytes)}
      ${replicationCell(t.slug, t.desiredState, d.replication)}
      <td class="small">${t.owner}</td></tr>`)}</tbody></table>`}
  </section>`;
}

/** Pinned awake: never hibernated. The toggle posts with the session's CSRF token. */
function pinToggle(slug: string, pinned: boolean, csrfToken: string): Html {
  return html`<form method="post" action="/admin/tenants/${slug}/pin" class="small">
    <input type="hidden" name="_csrf" value="${csrfToken}"><input type="hidden" name="pinned" value="${pinned ? 'false' : 'true'}">
    ${pinned ? html`<span class="muted" data-testid="pinned-${slug}">pinned awake</span> ` : ''}<button type="submit" class="secondary" data-testid="pin-${slug}">${pinned ? 'Unpin' : 'Pin awake'}</button></form>`;
}
