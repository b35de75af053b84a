// One instance: its state and address, its members (invite, remove, role), API tokens and deletion.
import type { ApiToken } from '../auth/api-tokens.js';
import type { Member } from '../auth/memberships.js';
import type { TenantView } from '../tenants/tenant-views.js';
import { html } from '@berth/common/html';
import { renderLayout, type PageUser } from './layout.js';
import { renderTokenSection } from './token-section.js';

export interface InstanceState {
  readonly user: PageUser & { readonly id: number };
  readonly tenant: TenantView;
  readonly members: readonly Member[];
  readonly retentionHours: number;
  readonly error?: string;
  readonly inviteEmail?: string;
  readonly tokens: readonly ApiToken[];
  readonly tokenMaxDays: number;
  /** A token just created: shown once, on the page that answers the creating POST. */
  readonly newToken?: { readonly name: string; readonly token: string };
}

export function renderInstance(s: InstanceState): string {
  const t = s.tenant;
  const owner = t.role === 'owner';
  const csrf = html`<input type="hidden" name="_csrf" value="${s.user.csrfToken}">`;
  const members = s.members.map((m) => {
    const removable = m.role !== 'owner' && (owner || m.userId === s.user.id);
    const role = owner && m.role !== 'owner'
      ? html`<form class="inline" method="post" action="/instances/${t.slug}/members/${m.userId}/role">${csrf}
          <select name="role" aria-label="Role of ${m.email}">${(['member', 'viewer'] as const).map((r) => html`<option value="${r}"${r === m.role ? ' selected' : ''}>${r}</option>`)}</select>
          <button type="submit" class="secondary">Change</button></form>`
      : html`${m.role}`;
    return html`<tr data-testid="member-${m.email}"><td>${m.email}</td><td class="muted">${role}</td><td>
      ${removable
        ? html`<form class="inline" method="post" action="/instances/${t.slug}/members/${m.userId}/remove">${csrf}
            <button type="submit" class="secondary" aria-label="Remove ${m.email}">Remove</button></form>`
        : ''}</td></tr>`;
  });
  return renderLayout({
    title: t.slug,
    user: s.user,
    stateUrl: `/api/v1/tenants/${t.slug}`,
    body: html`
      <p><a href="/">← Your instances</a></p>
      <section class="card"><h1>${t.slug}</h1>
        <p>State: <span class="state" data-state="${t.state}" data-live-state="${t.slug}" data-testid="state-${t.slug}">${t.state}</span>
          ${t.detail ? html`<span class="muted">${t.detail}</span>` : ''}</p>
        <p>Address: <a href="${t.url}" data-testid="open-${t.slug}">${t.url}</a></p></section>
      ${s.error ? html`<div class="alert" role="alert" data-testid="form-error">${s.error}</div>` : ''}
      <section class="card"><h2>Members</h2>
        <table><tbody>${members}</tbody></table>
        ${owner
          ? html`<form method="post" action="/instances/${t.slug}/members">${csrf}
              <label for="invite-email">Invite a registered user by email</label>
              <input id="invite-email" name="email" type="email" required value="${s.inviteEmail ?? ''}">
              <div class="actions"><button type="submit">Invite</button></div></form>`
          : ''}</section>
      ${renderTokenSection({ slug: t.slug, role: t.role, userId: s.user.id, csrf, tokens: s.tokens, maxDays: s.tokenMaxDays, ...(s.newToken ? { newToken: s.newToken } : {}) })}
      ${owner
        ? html`<section class="card"><h2>Delete this instance</h2>
            <p class="muted">It stops answering at once. Its data is kept for ${describeHours(s.retentionHours)}, then removed.</p>
            <form method="post" action="/instances/${t.slug}/delete">${csrf}
              <label for="confirm-slug">Type <code>${t.slug}</code> to confirm</label>
              <input id="confirm-slug" name="confirm" type="text" required autocomplete="off" autocapitalize="none" spellcheck="false">
              <div class="actions"><button type="submit" class="danger">Delete instance</button></div></form></section>`
        : ''}`,
  });
}

function describeHours(hours: number): string {
  if (hours >= 48 && hours % 24 === 0) return `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
