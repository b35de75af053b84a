// The read-only SQL page: the query, inputs for its :named parameters, results or the error.
import type { BerthError } from '../errors.js';
import type { SqlResult } from '../query/sql-protocol.js';
import { renderGrid } from './data-grid.js';
import { html, type Html } from '@berth/common/html';
import { formatCount, queryString } from './format.js';
import { renderErrorBox } from './layout.js';

export interface SqlPageModel {
  readonly sql: string;
  readonly paramNames: readonly string[];
  readonly params: Readonly<Record<string, string>>;
  readonly result?: SqlResult;
  readonly error?: BerthError;
  readonly timeLimitMs: number;
  readonly rowCap: number;
  /** The saved query's name when the page runs one. */
  readonly savedAs?: string;
}

export function renderSqlPage(m: SqlPageModel): Html {
  const pairs: Array<[string, string]> = [['sql', m.sql], ...m.paramNames.map((p) => [`p.${p}`, m.params[p] ?? ''] as [string, string])];
  return html`<h1>SQL</h1><p class="sub">Read-only queries over every table. Time limit ${formatCount(m.timeLimitMs)} ms, at most ${formatCount(m.rowCap)} rows. Use <code>:name</code> for parameters.</p>
<form method="get" action="/sql" class="card"><label for="sql">Query</label>
<textarea id="sql" name="sql" spellcheck="false" placeholder="SELECT * FROM my_table WHERE amount > :min">${m.sql}</textarea>
${m.paramNames.length > 0 ? html`<div class="row" style="margin-top:.5rem">${m.paramNames.map((p) => html`<div><label for="p-${p}">:${p}</label><input id="p-${p}" name="p.${p}" value="${m.params[p] ?? ''}"></div>`)}</div>` : ''}
<div class="toolbar"><button type="submit">Run query</button>
${m.result ? html`<span class="spacer"></span><a class="btn secondary" href="/sql/export.csv${queryString(pairs)}">Export CSV</a><a class="btn secondary" href="/sql/export.json${queryString(pairs)}">Export JSON</a>` : ''}</div></form>
${m.sql.trim() !== '' ? html`<form method="post" action="/queries" class="row card" id="save-query"><input type="hidden" name="sql" value="${m.sql}">
<div style="flex:1"><label for="query-name">Save this query as</label><input id="query-name" name="name" value="${m.savedAs ?? ''}" required style="width:100%"></div>
<div><label style="color:inherit"><input type="checkbox" name="replace" value="1"${m.savedAs ? html` checked` : ''}> replace a saved query of this name</label></div><div><button type="submit" class="secondary">Save query</button></div></form>` : ''}
${m.error ? renderErrorBox(m.error.message, m.error.details) : ''}
${m.result ? html`<p class="muted">${formatCount(m.result.rows.length)} row${m.result.rows.length === 1 ? '' : 's'}${m.result.truncated ? html` <strong>(capped at ${formatCount(m.rowCap)}; more rows exist)</strong>` : ''} · ${m.result.elapsedMs} ms</p>
${renderGrid(m.result.columns.map((c) => ({ name: c, header: html`${c}` })), m.result.rows)}` : ''}`;
}
