// The grid of rows shared by the table view and SQL results: typed cells, null shown as such,
// long text clipped by CSS (the row page shows it whole).
import type { ColumnInfo } from '../tables/catalog.js';
import { html, type Html } from '@berth/common/html';
import { tablePath } from './format.js';

export function renderCell(v: unknown): Html {
  if (v === null || v === undefined) return html`<td class="null">null</td>`;
  if (typeof v === 'number' || typeof v === 'bigint') return html`<td class="num">${String(v)}</td>`;
  const s = String(v);
  return html`<td title="${s.length > 60 ? s.slice(0, 500) : ''}">${s.length > 300 ? s.slice(0, 300) + '…' : s}</td>`;
}

export interface GridColumn {
  readonly name: string;
  readonly header: Html;
}

export function renderGrid(columns: readonly GridColumn[], rows: readonly (readonly unknown[])[], rowLink?: (row: readonly unknown[]) => string): Html {
  return html`<div class="grid"><table class="data"><thead><tr>${rowLink ? html`<th>#</th>` : ''}${columns.map((c) => html`<th>${c.header}</th>`)}</tr></thead>
<tbody>${rows.map(
    (r) => html`<tr>${rowLink ? html`<td class="num"><a href="${rowLink(r)}">${String(r[0])}</a></td>` : ''}${(rowLink ? r.slice(1) : r).map(renderCell)}</tr>`,
  )}</tbody></table>${rows.length === 0 ? html`<p class="muted" style="padding:1rem">No rows.</p>` : ''}</div>`;
}

export function rowLinkFor(table: string): (row: readonly unknown[]) => string {
  return (row) => tablePath(table, `/rows/${String(row[0])}`);
}

export function typeLabel(c: ColumnInfo): string {
  return c.declaredType ? c.declaredType.toLowerCase() : c.kind;
}
