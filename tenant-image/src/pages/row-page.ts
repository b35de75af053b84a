// One row, every column in full.
import type { TableInfo } from '../tables/catalog.js';
import { typeLabel } from './data-grid.js';
import { html, type Html } from '@berth/common/html';
import { tablePath } from './format.js';

/** `actions`: the edit and delete buttons the person may use (edit-pages.ts). */
export function renderRowPage(table: TableInfo, rowid: number, row: Record<string, unknown>, actions?: Html): Html {
  return html`<p class="sub"><a href="${tablePath(table.name)}">← ${table.name}</a></p><h1>Row ${rowid}</h1>
<div class="card"><dl class="kv">${table.columns.map(
    (c) => html`<dt>${c.name} <span class="muted">(${typeLabel(c)})</span></dt><dd>${row[c.name] === null ? html`<em class="muted">null</em>` : String(row[c.name])}</dd>`,
  )}</dl></div>
${actions ?? ''}
<p><a class="btn secondary" href="/api/tables/${encodeURIComponent(table.name)}/rows/${rowid}">JSON</a></p>`;
}
