// The table view: toolbar (search, filters, facets, chart, export), facets, the grid of rows
// with sortable headers, keyset pager, and where the table came from.
import type { Provenance } from '../imports/provenance.js';
import type { TableInfo } from '../tables/catalog.js';
import type { Facet } from '../tables/read-rows.js';
import { FILTER_OPS, type RowFilter } from '../tables/row-filters.js';
import { viewPairs, type ViewParams } from '../tables/view-params.js';
import { renderGrid, rowLinkFor, typeLabel } from './data-grid.js';
import { html, type Html } from '@berth/common/html';
import { formatBytes, formatCount, formatTime, queryString, tablePath } from './format.js';

export interface TableViewModel {
  readonly table: TableInfo;
  readonly view: ViewParams;
  readonly defaultSize: number;
  readonly rows: readonly (readonly unknown[])[];
  readonly total: number;
  readonly tableRows: number;
  readonly next?: string;
  readonly facets: readonly Facet[];
  readonly searchIndexed: boolean;
  readonly provenance?: Provenance;
}

function link(m: TableViewModel, change: Partial<ViewParams>, suffix = ''): string {
  return tablePath(m.table.name, suffix) + queryString(viewPairs(m.view, change, m.defaultSize));
}

function hiddenState(m: TableViewModel, drop: ReadonlyArray<'q' | 'filters' | 'facets'>): Html {
  const v = m.view;
  const pairs = viewPairs({ ...v, ...(drop.includes('q') ? { q: '' } : {}), ...(drop.includes('filters') ? { filters: [] } : {}), ...(drop.includes('facets') ? { facets: [] } : {}) }, {}, m.defaultSize);
  return html`${pairs.map(([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`)}`;
}

function sortHeader(m: TableViewModel, c: TableInfo['columns'][number]): Html {
  const on = m.view.sort === c.name;
  const nextDesc = on && !m.view.desc;
  const arrow = on ? (m.view.desc ? ' ↓' : ' ↑') : '';
  return html`<a class="sort${on ? ' on' : ''}" href="${link(m, { sort: c.name, desc: nextDesc })}" title="Sort by ${c.name}">${c.name}${arrow}</a><span class="type">${typeLabel(c)}</span>`;
}

function filterChip(m: TableViewModel, f: RowFilter, i: number): Html {
  const rest = m.view.filters.filter((_, j) => j !== i);
  const value = f.op === 'empty' || f.op === 'notempty' ? '' : ` “${f.value}”`;
  return html`<span class="pill">${f.column} ${FILTER_OPS[f.op]}${value} <a href="${link(m, { filters: rest })}" aria-label="Remove filter">✕</a></span>`;
}

function renderControls(m: TableViewModel): Html {
  const cols = m.table.columns;
  return html`<div class="card"><div class="row">
<form method="get" action="${tablePath(m.table.name)}" class="row" role="search">${hiddenState(m, ['q'])}
<div><label for="q">Search${m.searchIndexed ? '' : ' (no index: slower)'}</label><input id="q" name="q" type="search" value="${m.view.q}" placeholder="Search all columns"></div>
<div><button type="submit">Search</button></div></form>
<form method="get" action="${tablePath(m.table.name)}" class="row" id="add-filter">${hiddenState(m, [])}
<div><label for="fc">Filter column</label><select id="fc" name="fc">${cols.map((c) => html`<option>${c.name}</option>`)}</select></div>
<div><label for="fo">Condition</label><select id="fo" name="fo">${Object.entries(FILTER_OPS).map(([k, label]) => html`<option value="${k}">${label}</option>`)}</select></div>
<div><label for="fv">Value</label><input id="fv" name="fv" placeholder="value"></div>
<div><button type="submit" class="secondary">Add filter</button></div></form>
<form method="get" action="${tablePath(m.table.name)}" class="row">${hiddenState(m, [])}
<div><label for="facet">Facet by</label><select id="facet" name="facet">${cols.filter((c) => !m.view.facets.includes(c.name)).map((c) => html`<option>${c.name}</option>`)}</select></div>
<div><button type="submit" class="secondary">Show facet</button></div></form>
<form method="get" action="${tablePath(m.table.name, '/chart')}" class="row">${hiddenState(m, ['facets'])}
<div><label for="chart-col">Chart column</label><select id="chart-col" name="col">${cols.map((c) => html`<option>${c.name}</option>`)}</select></div>
<div><button type="submit" class="secondary">Chart</button></div></form>
</div>
${m.view.filters.length > 0 ? html`<div class="toolbar">Filters: ${m.view.filters.map((f, i) => filterChip(m, f, i))} <a href="${link(m, { filters: [] })}">clear all</a></div>` : ''}
</div>`;
}

function renderFacets(m: TableViewModel): Html {
  if (m.facets.length === 0) return html``;
  return html`<div class="facets">${m.facets.map(
    (f) => html`<div class="card"><h3>${f.column} <a class="muted" href="${link(m, { facets: m.view.facets.filter((x) => x !== f.column) })}" aria-label="Hide facet">✕</a></h3><ul>${f.values.map((v) => {
      const filter: RowFilter = v.value === null || v.value === '' ? { column: f.column, op: 'empty', value: '' } : { column: f.column, op: 'eq', value: String(v.value) };
      return html`<li><a href="${link(m, { filters: [...m.view.filters, filter] })}">${v.value === null ? html`<em>null</em>` : String(v.value) || html`<em>empty</em>`}</a><span class="muted">${formatCount(v.count)}</span></li>`;
    })}${f.values.length === 0 ? html`<li class="muted">No values</li>` : ''}${f.more ? html`<li class="muted">…more values</li>` : ''}</ul></div>`,
  )}</div>`;
}

function renderProvenance(p: Provenance | undefined): Html {
  if (!p) return html`<p class="muted">No import recorded for this table.</p>`;
  return html`<dl class="kv"><dt>File</dt><dd>${p.fileName}${p.sizeBytes !== null ? html` <span class="muted">(${formatBytes(p.sizeBytes)})</span>` : ''}</dd>
<dt>Imported</dt><dd>${formatTime(p.at)}${p.actor ? ` by ${p.actor}` : ''}${p.mode ? html` <span class="pill">${p.mode}</span>` : ''}</dd>
<dt>Rows</dt><dd>${p.rows !== null ? formatCount(p.rows) : '?'}</dd><dt>SHA-256</dt><dd class="mono">${p.sha256}</dd></dl>`;
}

export function renderTableView(m: TableViewModel): Html {
  const filtered = m.view.filters.length > 0 || m.view.q !== '';
  const exportLink = (fmt: 'csv' | 'json') => tablePath(m.table.name, `/export.${fmt}`) + queryString(viewPairs(m.view, { facets: [] }));
  return html`<h1>${m.table.name}</h1>
<p class="sub">${formatCount(m.tableRows)} rows · ${m.table.columns.length} columns${filtered ? html` · <strong>${formatCount(m.total)}</strong> match` : ''}</p>
${renderControls(m)}${renderFacets(m)}
<div class="toolbar"><span class="muted">Showing ${formatCount(m.rows.length)} of ${formatCount(m.total)}${m.view.sort !== undefined ? html`, sorted by <strong>${m.view.sort}</strong> ${m.view.desc ? 'descending' : 'ascending'}` : ''}</span>
<span class="spacer"></span><a class="btn secondary" href="${exportLink('csv')}">Export CSV</a><a class="btn secondary" href="${tablePath(m.table.name, '/export.csv') + queryString([...viewPairs(m.view, { facets: [] }), ['nulls', 'marker']])}" title="NULLs written as the file's original missing-value markers (e.g. NA)">CSV with NA markers</a><a class="btn secondary" href="${exportLink('json')}">Export JSON</a>
<a class="btn secondary" href="/sql${queryString([['sql', `SELECT * FROM "${m.table.name.replaceAll('"', '""')}" LIMIT 100`]])}">Query with SQL</a><a class="btn secondary" href="${tablePath(m.table.name, '/manage')}">Manage</a><a class="btn secondary" href="/activity${queryString([['table', m.table.name]])}">Activity</a></div>
${renderGrid(m.table.columns.map((c) => ({ name: c.name, header: sortHeader(m, c) })), m.rows, rowLinkFor(m.table.name))}
<div class="pager">${m.view.after !== undefined ? html`<a class="btn secondary" href="${link(m, {})}">« First page</a>` : ''}
${m.next ? html`<a class="btn" rel="next" href="${link(m, { after: m.next })}">Next page »</a>` : html`<span class="muted">End of rows</span>`}</div>
<h2>Where this table came from</h2><div class="card">${renderProvenance(m.provenance)}</div>`;
}
