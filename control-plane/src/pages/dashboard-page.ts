// The signed-in home: the person's instances with live state, and the create form.
import type { TenantView } from '../tenants/tenant-views.js';
import { html } from '@berth/common/html';
import { renderLayout, type PageUser } from './layout.js';

export interface DashboardState {
  readonly user: PageUser;
  readonly tenants: readonly TenantView[];
  readonly domain: string;
  readonly slug?: string;
  readonly error?: string;
  readonly notice?: string;
}

export function renderDashboard(s: DashboardState): string {
  const rows = s.tenants.map(
    (t) => html`<tr>
      <td><strong>${t.slug}</strong><div class="muted">${t.role}</div></td>
      <td><span class="state" data-state="${t.state}" data-live-state="${t.slug}" data-testid="state-${t.slug}">${t.state}</span>${t.state === 'hibernated' ? wakeButton(t.slug, s.user.csrfToken) : ''}</td>
      <td><a href="${t.url}" data-testid="open-${t.slug}">${t.url.replace(/^https:\/\//, '')}</a></td>
      <td>${t.desiredState === 'running' ? html`<a href="/instances/${t.slug}">Manage</a>` : ''}</td>
    </tr>`,
  );
  const list = s.tenants.length
    ? html`<table><thead><tr><th>Instance</th><th>State</th><th>Address</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="muted">You have no instances yet. Create one below; it answers within seconds.</p>`;
  return renderLayout({
    title: 'Your instances',
    user: s.user,
    stateUrl: '/api/v1/tenants',
    body: html`
      ${s.notice ? html`<div class="notice" role="status">${s.notice}</div>` : ''}
      <section class="card"><h1>Your instances</h1>${list}</section>
      <section class="card"><h2>New instance</h2>
        ${s.error ? html`<div class="alert" role="alert" data-testid="form-error">${s.error}</div>` : ''}
        <form method="post" action="/instances">
          <input type="hidden" name="_csrf" value="${s.user.csrfToken}">
          <label for="slug">Subdomain</label>
          <div class="suffix"><input id="slug" name="slug" type="text" required maxlength="40" autocapitalize="none" spellcheck="false" value="${s.slug ?? ''}"><span>.${s.domain}</span></div>
          <p class="hint">3–40 characters: lowercase letters, digits and hyphens.</p>
          <div class="actions"><button type="submit">Create instance</button></div>
        </form></section>`,
  });
}

/** A hibernated instance is asleep: it wakes on its first request, or now with this button. */
function wakeButton(slug: string, csrfToken: string) {
  return html` <form method="post" action="/instances/${slug}/wake" class="inline" data-testid="wake-${slug}">
    <input type="hidden" name="_csrf" value="${csrfToken}"><span class="muted">asleep</span> <button type="submit" class="secondary">Wake</button></form>`;
}
