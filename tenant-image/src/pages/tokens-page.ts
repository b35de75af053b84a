// API tokens: create (shown once), list, revoke.
import type { ApiToken } from '../auth/api-tokens.js';
import { html, type Html } from '@berth/common/html';
import { formatTime } from './format.js';

export function renderTokensPage(tokens: readonly ApiToken[], created?: { name: string; token: string }): Html {
  return html`<h1>API tokens</h1><p class="sub">Use a token as <code>Authorization: Bearer &lt;token&gt;</code> to read tables, run SQL, export and append rows through the JSON API.</p>
${created ? html`<div class="alert ok" role="status"><strong>Token “${created.name}” created.</strong> Copy it now; it will not be shown again.<br><code id="new-token" class="mono" style="user-select:all;word-break:break-all">${created.token}</code></div>` : ''}
<form method="post" action="/tokens" class="card row"><div style="flex:1"><label for="token-name">Name</label><input id="token-name" name="name" required maxlength="100" placeholder="e.g. nightly export" style="width:100%"></div>
<div><button type="submit">Create token</button></div></form>
${tokens.length === 0 ? html`<div class="card muted">No tokens.</div>` : html`<div class="grid"><table class="data"><thead><tr><th>Name</th><th>Token</th><th>Created</th><th>By</th><th>Last used</th><th></th></tr></thead><tbody>
${tokens.map((t) => html`<tr><td>${t.name}</td><td class="mono">${t.hint}</td><td>${formatTime(t.createdAt)}</td><td>${t.createdByEmail}</td><td>${formatTime(t.lastUsedAt) || html`<span class="muted">never</span>`}</td>
<td><form method="post" action="/tokens/${t.id}/revoke"><button type="submit" class="danger">Revoke</button></form></td></tr>`)}</tbody></table></div>`}`;
}
