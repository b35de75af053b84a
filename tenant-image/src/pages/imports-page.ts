// Every import ever made (provenance), newest first, and the imports running in this process.
import type { ImportJob } from '../imports/import-jobs.js';
import type { ImportRecord } from '../imports/csv-import-api.js';
import { toProvenance } from '../imports/provenance.js';
import { html, type Html } from '@berth/common/html';
import { formatBytes, formatCount, formatTime, tablePath } from './format.js';

export function renderImportsPage(records: readonly ImportRecord[], running: readonly ImportJob[]): Html {
  return html`<h1>Imports</h1><p class="sub">Where every table came from: file, checksum, options, rows, who and when.</p>
${running.length > 0 ? html`<div class="card"><h2 style="margin-top:0">Running now</h2><ul>${running.map((j) => html`<li><a href="/imports/jobs/${j.id}">${j.fileName} → ${j.table}</a> · ${formatCount(j.rows)} rows</li>`)}</ul></div>` : ''}
${records.length === 0 ? html`<div class="card muted">No imports yet.</div>` : html`<div class="grid"><table class="data"><thead><tr><th>When</th><th>Table</th><th>File</th><th>Mode</th><th>Status</th><th>Rows</th><th>By</th><th>Options</th><th>SHA-256</th></tr></thead><tbody>
${records.map((r) => {
    const p = toProvenance(r);
    return html`<tr><td>${formatTime(p.at)}</td><td><a href="${tablePath(r.tableName)}">${r.tableName}</a></td><td>${p.fileName}${p.sizeBytes !== null ? html`<br><span class="muted">${formatBytes(p.sizeBytes)}</span>` : ''}</td>
<td>${r.mode}</td><td><span class="pill">${r.status}</span>${r.errorMessage ? html`<br><span class="muted">${r.errorMessage}</span>` : ''}</td><td class="num">${formatCount(r.rowsImported)}</td>
<td>${r.actor ?? ''}</td><td class="mono">${r.encoding}, ${r.delimiter === '\t' ? 'tab' : r.delimiter}${nullMarkers(r)}</td><td class="mono" title="${r.sha256 ?? ''}">${r.sha256 ? r.sha256.slice(0, 16) + '…' : ''}</td></tr>`;
  })}</tbody></table></div>`}`;
}

/** The missing-value markers each column stored as NULL (besides empty cells), from the provenance record; columns with the same list share a line. */
function nullMarkers(r: ImportRecord): Html {
  const byList = new Map<string, string[]>();
  for (const c of r.columns) {
    if (!c.nulls || c.nulls.length === 0) continue;
    const key = c.nulls.join(' ');
    byList.set(key, [...(byList.get(key) ?? []), c.name]);
  }
  if (byList.size === 0) return html``;
  const count = [...byList.values()].reduce((n, cols) => n + cols.length, 0);
  return html`<details class="null-markers"><summary>NULL markers in ${count} column${count === 1 ? '' : 's'}</summary><ul style="margin:.25rem 0;padding-left:1rem">${[...byList].map(
    ([list, cols]) => html`<li>${cols.join(', ')}: ${list}</li>`,
  )}</ul></details>`;
}
