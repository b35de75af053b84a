// A chart of one column of the rows currently shown (filters and search apply).
import type { TableInfo } from '../tables/catalog.js';
import type { ChartData } from '../tables/chart-data.js';
import { viewPairs, type ViewParams } from '../tables/view-params.js';
import { renderChartSvg } from './chart-svg.js';
import { html, type Html } from '@berth/common/html';
import { formatCount, queryString, tablePath } from './format.js';

export function renderChartPage(table: TableInfo, view: ViewParams, data: ChartData): Html {
  const back = tablePath(table.name) + queryString(viewPairs(view));
  const empty = data.kind === 'histogram' ? data.bins.length === 0 : data.values.length === 0;
  const note = data.kind === 'histogram'
    ? html`Histogram of <strong>${data.column}</strong>${data.skipped > 0 ? html` · ${formatCount(data.skipped)} rows without a ${data.scale === 'date' ? 'date' : 'number'} left out` : ''}`
    : html`Most common values of <strong>${data.column}</strong>${data.others > 0 ? html` · ${formatCount(data.others)} rows have other values` : ''}`;
  return html`<p class="sub"><a href="${back}">← ${table.name}</a></p><h1>Chart: ${data.column}</h1>
<form method="get" class="row" style="margin-bottom:1rem">${viewPairs(view).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<div><label for="col">Column</label><select id="col" name="col">${table.columns.map((c) => html`<option${c.name === data.column ? html` selected` : ''}>${c.name}</option>`)}</select></div>
<div><button type="submit">Show</button></div></form>
<div class="card chart"><p class="muted" style="margin-top:0">${note}</p>${empty ? html`<p>No values to chart.</p>` : renderChartSvg(data)}</div>`;
}
