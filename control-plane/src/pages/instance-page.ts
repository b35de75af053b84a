// One instance: its state and address, its members (invite, remove, role), API tokens and deletion.
import type { ApiToken } from '../auth/api-tokens.js';
import type { Invitation } from '../auth/invitations.js';
import type { Member } from '../auth/memberships.js';
import type { TenantView } from '../tenants/tenant-views.js';
import { html } from '@berth/common/html';
import { renderLayout, type PageUser } from './layout.js';
import { renderTokenSection } from './token-section.js';

export interface InstanceState {
  readonly user: PageUser & { readonly id: number };
  readonly tenant: TenantView;
  readonly members: readonly Member[];
  /** Waiting invitations; only an owner's page has any. */
  readonly invitations: readonly Invitation[];
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
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // "invited" whatever happens to the address: the page never says whether it has an account.
  const invited = s.invitations.map((i) => html`<tr data-testid="invitation-${i.email}"><td>${i.email}</td>
    <td class="muted">${i.role}, invited until ${day(i.expiresAt)}</td><td>
      <form class="inline" method="post" action="/instances/${t.slug}/invitations/${i.id}/revoke">${csrf}
        <button type="submit" class="secondary" aria-label="Revoke the invitation of ${i.email}">Revoke</button></form></td></tr>`);
  return renderLayout({
    title: t.slug,
    user: s.user,
    stateUrl: `/api/v1/tenants/${t.slug}`,
    body: html`
      <p><a href="/">← Your instances</a></p>
      <section class="card"><h1>${t.slug}</h1>
        <p>State: <span class="state" data-state="${t.state}" data-live-state="${t.slug}" data-testid="state-${t.slug}">${t.state}</span>
          ${t.detail ? html`<span class="muted">${t.detail}</span>` : ''}</p>
        <p>Address: <a href="${t.url}" data-testid="open-${t.slug}">${t.url}</a></p>
        ${owner ? html`<p><a href="/instances/${t.slug}/backups" data-testid="backups-${t.slug}">Backups: restore a table or the instance, download the database →</a></p>` : ''}</section>
      ${s.error ? html`<div class="alert" role="alert" data-testid="form-error">${s.error}</div>` : ''}
      <section class="card" id="members"><h2>Members</h2>
        <table><tbody>${members}</tbody></table>
        ${invited.length > 0 ? html`<h3>Invited</h3><table><tbody>${invited}</tbody></table>` : ''}
        ${owner
          ? html`<form method="post" action="/instances/${t.slug}/invitations">${csrf}
              <label for="invite-email">Invite by email</label>
              <input id="invite-email" name="email" type="email" required value="${s.inviteEmail ?? ''}">
              <label for="invite-role">Role</label>
              <select id="invite-role" name="role"><option value="member" selected>member</option><option value="viewer">viewer</option></select>
              <p class="muted">They join when they sign up or log in with this address.</p>
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
