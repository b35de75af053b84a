// Pages for changing data in place: a row's edit form, a table's manage page (rename, drop), and
// the buttons the row page shows. Every form posts to this origin (CSRF is checked by origin in
// auth-hooks); what a person may not do is not offered (auth/permissions.ts).
import type { Role } from '../auth/identity.js';
import { can } from '../auth/permissions.js';
import type { TableInfo } from '../tables/catalog.js';
import { typeLabel } from './data-grid.js';
import { html, type Html } from '@berth/common/html';
import { formatCount, tablePath } from './format.js';
import { renderErrorBox } from './layout.js';

export interface FormError {
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

function inputValue(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/** The edit form of one row: one input per column; `was` carries what the person saw, so a change made meanwhile elsewhere is refused instead of overwritten. */
export function renderRowEditPage(table: TableInfo, rowid: number, row: Record<string, unknown>, error?: FormError, typed?: Record<string, string>): Html {
  return html`<p class="sub"><a href="${tablePath(table.name, `/rows/${rowid}`)}">← row ${rowid} of ${table.name}</a></p><h1>Edit row ${rowid}</h1>
${error ? renderErrorBox(error.message, error.details) : ''}
<form method="post" action="${tablePath(table.name, `/rows/${rowid}/edit`)}" class="card" id="edit-row">
<dl class="kv">${table.columns.map(
    (c, i) => html`<dt><label for="cell-${i}" style="margin:0">${c.name} <span class="muted">(${typeLabel(c)})</span></label></dt>
<dd><input id="cell-${i}" name="v.${c.name}" value="${typed?.[c.name] ?? inputValue(row[c.name])}" data-column="${c.name}" style="width:100%"${c.kind === 'integer' || c.kind === 'real' ? html` inputmode="decimal"` : ''}>
<input type="hidden" name="was.${c.name}" value="${JSON.stringify(row[c.name] ?? null)}"></dd>`,
  )}</dl>
<p class="muted">Leave a cell empty for no value (NULL). Numbers and dates are checked like an import's.</p>
<div class="toolbar"><button type="submit" id="save-row">Save changes</button><a class="btn secondary" href="${tablePath(table.name, `/rows/${rowid}`)}">Cancel</a></div></form>`;
}

/** Under the row page's values: edit and delete, as the person's role allows. */
export function renderRowActions(table: TableInfo, rowid: number, role: Role): Html {
  return html`<div class="toolbar" id="row-actions">${can(role, 'cell.edit') ? html`<a class="btn" href="${tablePath(table.name, `/rows/${rowid}/edit`)}" id="edit-row-link">Edit this row</a>` : ''}
${can(role, 'rows.delete') ? html`<form method="post" action="${tablePath(table.name, `/rows/${rowid}/delete`)}" data-confirm="Delete row ${rowid}?"><button type="submit" class="danger" id="delete-row">Delete this row</button></form>` : ''}</div>`;
}

export function renderManageTablePage(table: TableInfo, rows: number, role: Role, error?: FormError): Html {
  const owner = can(role, 'table.rename') || can(role, 'table.drop');
  return html`<p class="sub"><a href="${tablePath(table.name)}">← ${table.name}</a></p><h1>Manage “${table.name}”</h1>
<p class="sub">${formatCount(rows)} rows · ${table.columns.length} columns · <a href="/activity?table=${encodeURIComponent(table.name)}">activity</a></p>
${error ? renderErrorBox(error.message, error.details) : ''}
${owner ? '' : html`<div class="alert info">Only an owner of this instance can rename or drop a table.</div>`}
${can(role, 'table.rename') ? html`<form method="post" action="${tablePath(table.name, '/rename')}" class="card" id="rename-table"><h2 style="margin-top:0">Rename</h2>
<div class="row"><div style="flex:1"><label for="new-name">New name</label><input id="new-name" name="name" value="${table.name}" required style="width:100%"></div>
<div><button type="submit">Rename</button></div></div>
<p class="muted">Saved queries that name the table keep the old name; edit them after renaming. Search uses a plain scan until the table's next import.</p></form>` : ''}
${can(role, 'table.drop') ? html`<form method="post" action="${tablePath(table.name, '/drop')}" class="card" id="drop-table"><h2 style="margin-top:0">Drop</h2>
<p>Deletes the table and its ${formatCount(rows)} rows. Its import history stays on the imports page.</p>
<div class="row"><div style="flex:1"><label for="confirm">Type the table's name to confirm</label><input id="confirm" name="confirm" autocomplete="off" required style="width:100%"></div>
<div><button type="submit" class="danger">Drop table</button></div></div></form>` : ''}`;
}
