// The instance's activity view: who changed what, and when — edits, deletes, appends, renames,
// drops, saved queries and imports, newest first, from either app copy.
import type { ActivityEntry } from '../edits/activity-log.js';
import { html, type Html } from '@berth/common/html';
import { formatTime, queryString, tablePath } from './format.js';

const LABELS: Record<ActivityEntry['action'], string> = {
  'cell.edit': 'edited',
  'rows.delete': 'deleted rows',
  'rows.append': 'appended',
  'table.rename': 'renamed',
  'table.drop': 'dropped',
  'table.restore': 'restored',
  'query.save': 'saved query',
  'query.delete': 'deleted query',
  import: 'imported',
};

function precise(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function renderActivityPage(entries: readonly ActivityEntry[], table: string | undefined, tables: readonly string[], next?: number): Html {
  return html`<h1>Activity${table !== undefined ? html` of “${table}”` : ''}</h1><p class="sub">Who changed what, and when: every edit, delete, rename, drop, saved query and import in this instance.</p>
<form method="get" action="/activity" class="row card"><div><label for="activity-table">Table</label><select id="activity-table" name="table"><option value="">all tables</option>${tables.map(
    (t) => html`<option value="${t}"${t === table ? html` selected` : ''}>${t}</option>`,
  )}</select></div><div><button type="submit" class="secondary">Show</button></div></form>
${entries.length === 0 ? html`<div class="card muted">Nothing has changed yet.</div>` : html`<div class="grid"><table class="data" id="activity"><thead><tr><th>When</th><th>Who</th><th>What</th><th>Table</th><th>Change</th></tr></thead><tbody>
${entries.map(
  (e) => html`<tr data-action="${e.action}"><td title="${precise(e.at)}">${formatTime(e.at)}</td><td>${e.actor}${e.via === 'bearer' ? html` <span class="pill">API</span>` : ''}</td><td>${LABELS[e.action] ?? e.action}</td>
<td>${e.table === null ? '' : tables.includes(e.table) ? html`<a href="${tablePath(e.table)}">${e.table}</a>` : e.table}</td>
<td style="white-space:normal">${e.rowid !== null && e.table !== null && tables.includes(e.table) && e.action === 'cell.edit' ? html`<a href="${tablePath(e.table, `/rows/${e.rowid}`)}">${e.summary}</a>` : e.summary}</td></tr>`,
)}</tbody></table></div>`}
${next !== undefined ? html`<p class="pager"><a class="btn secondary" href="/activity${queryString([['table', table], ['before', next]])}">Older</a></p>` : ''}`;
}
