// The API tokens card of an instance page: a new token shown once, the tokens the viewer may
// see (an owner sees everyone's), revoke buttons, and the create form.
import type { ApiToken } from '../auth/api-tokens.js';
import { DEFAULT_TOKEN_DAYS } from '../auth/api-tokens.js';
import type { Role } from '../auth/roles.js';
import { html, type Html } from '@berth/common/html';

export interface TokenSectionState {
  readonly slug: string;
  readonly role: Role;
  readonly userId: number;
  readonly csrf: Html;
  readonly tokens: readonly ApiToken[];
  readonly maxDays: number;
  readonly newToken?: { readonly name: string; readonly token: string };
}

export function renderTokenSection(s: TokenSectionState): Html {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const rows = s.tokens.map(
    (t) => html`<tr data-testid="token-${t.name}"><td>${t.name}</td><td><code>${t.hint}</code></td><td>${t.scope === 'read' ? 'read' : 'read and write'}</td>
      ${s.role === 'owner' ? html`<td>${t.email}</td>` : ''}<td class="muted">until ${day(t.expiresAt)}</td>
      <td class="muted">${t.lastUsedAt === null ? 'never used' : `used ${day(t.lastUsedAt)}`}</td>
      <td><form class="inline" method="post" action="/instances/${s.slug}/tokens/${t.id}/revoke">${s.csrf}
        <button type="submit" class="secondary" aria-label="Revoke ${t.name}">Revoke</button></form></td></tr>`,
  );
  return html`<section class="card" id="tokens"><h2>API tokens</h2>
    <p class="muted">Send one as <code>Authorization: Bearer …</code> to this instance's API. A token acts for you with
      your role, lowered to viewer by a read scope. It stops working when it expires, when it is revoked, when you
      leave or are removed, when the instance is deleted, and when you log out.</p>
    ${s.newToken
      ? html`<div class="alert" role="status"><p>Copy the token <strong>${s.newToken.name}</strong> now; it is not shown again.</p>
          <p><code id="new-token" data-testid="new-token">${s.newToken.token}</code></p></div>`
      : ''}
    ${rows.length ? html`<table><tbody>${rows}</tbody></table>` : html`<p class="muted">No tokens.</p>`}
    <form method="post" action="/instances/${s.slug}/tokens">${s.csrf}
      <label for="token-name">Name</label>
      <input id="token-name" name="name" type="text" required maxlength="100" autocomplete="off">
      <label for="token-scope">Scope</label>
      <select id="token-scope" name="scope">
        <option value="read">read</option>
        ${s.role === 'viewer' ? '' : html`<option value="write">read and write</option>`}
      </select>
      <label for="token-days">Expires after (days, at most ${s.maxDays})</label>
      <input id="token-days" name="days" type="number" min="1" max="${s.maxDays}" value="${Math.min(DEFAULT_TOKEN_DAYS, s.maxDays)}" required>
      <div class="actions"><button type="submit">Create token</button></div></form></section>`;
}
