// The review step: how the file will be read (encoding, delimiter — change and re-preview),
// the first rows with each column's detected type (override per column), the table name and
// what to do with it (new table, append, replace).
import type { CsvPreview } from '../imports/csv-import-api.js';
import type { Upload } from '../imports/upload-store.js';
import type { BerthError } from '../errors.js';
import { html, type Html } from '@berth/common/html';
import { formatBytes, formatCount } from './format.js';
import { renderErrorBox } from './layout.js';

export interface ReviewModel {
  readonly upload: Upload;
  readonly preview?: CsvPreview;
  readonly error?: BerthError;
  readonly encodings: readonly string[];
  readonly delimiters: readonly string[];
  readonly types: readonly string[];
  readonly tables: readonly string[];
  readonly chosen: { readonly encoding?: string; readonly delimiter?: string };
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma (,)', ';': 'semicolon (;)', '\t': 'tab', '|': 'pipe (|)' };

function options(values: readonly string[], selected: string | undefined, label: (v: string) => string = (v) => v): Html {
  return html`${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${label(v)}</option>`)}`;
}

function readingForm(m: ReviewModel): Html {
  const enc = m.preview?.encoding ?? m.chosen.encoding;
  const del = m.preview?.delimiter ?? m.chosen.delimiter;
  return html`<form method="get" action="/uploads/${m.upload.id}/review" class="card row" id="reading">
<div><label for="encoding">Encoding${m.preview?.encodingSniffed ? ' (detected)' : ''}</label><select id="encoding" name="encoding">${options(m.encodings, enc)}</select></div>
<div><label for="delimiter">Delimiter${m.preview?.delimiterSniffed ? ' (detected)' : ''}</label><select id="delimiter" name="delimiter">${options(m.delimiters, del, (d) => DELIMITER_NAMES[d] ?? d)}</select></div>
<div><button type="submit" class="secondary">Preview again</button></div></form>`;
}

function commitForm(m: ReviewModel, p: CsvPreview): Html {
  const existing = m.tables.includes(p.plan.table);
  const sample = p.rows;
  return html`<form method="post" action="/imports" id="commit">
<input type="hidden" name="upload" value="${m.upload.id}"><input type="hidden" name="encoding" value="${p.encoding}"><input type="hidden" name="delimiter" value="${p.delimiter}">
<div class="card"><div class="row">
<div style="flex:1;min-width:14rem"><label for="table">Table name</label><input id="table" name="table" value="${p.plan.table}" list="existing-tables" required style="width:100%"></div>
<datalist id="existing-tables">${m.tables.map((t) => html`<option value="${t}">`)}</datalist></div>
<fieldset style="border:0;padding:0;margin:.75rem 0 0"><legend class="muted" style="font-size:.85rem">What to do</legend>
<label style="color:inherit;font-size:.95rem"><input type="radio" name="mode" value="create"${existing ? '' : html` checked`}> <strong>Create a new table</strong> — fails if a table with this name already exists.</label>
<label style="color:inherit;font-size:.95rem"><input type="radio" name="mode" value="append"${existing ? html` checked` : ''}> <strong>Append</strong> to an existing table — the file's columns must match the table's.</label>
<label style="color:inherit;font-size:.95rem"><input type="radio" name="mode" value="replace"> <strong>Replace</strong> an existing table — its current rows are swapped for this file's in one step when the import succeeds.</label>
</fieldset></div>
<h2>Columns</h2><p class="muted">Types were detected from ${formatCount(p.stats.rowsScanned)} rows${p.stats.scannedWholeFile ? ' (the whole file)' : ''}; every row is checked against them when you import. Leading zeros stay text. Empty cells, and the markers listed under “Stored as NULL” (comma-separated), are stored as NULL — change them per column, e.g. add <code>unknown</code> and set the type to fix a column one stray word kept as text.</p>
<div class="grid"><table class="data" id="review-table"><thead><tr>${p.columns.map(
    (c, i) => html`<th data-column="${c.name}"><input type="hidden" name="col.${i}.header" value="${c.header}">
<input name="col.${i}.name" value="${c.name}" aria-label="Name of column ${i + 1}" style="width:100%;min-width:7rem;font-weight:600">
<div class="muted" style="font-weight:400;font-size:.75rem">from “${c.header}”</div>
<select name="col.${i}.type" aria-label="Type of column ${c.name}" data-column="${c.name}">${options(m.types, c.type)}</select>
${columnNotes(p, i)}
<label style="font-weight:400;font-size:.75rem;margin:.3rem 0 0">Stored as NULL<input name="col.${i}.nulls" value="${formatMarkerList(c.nulls)}" aria-label="Missing-value markers of column ${c.name}" placeholder="e.g. NA, -999" style="display:block;width:100%;min-width:7rem;font-size:.8rem"></label>
<input type="hidden" name="col.${i}.nullMarker" value="${c.nullMarker ?? ''}"></th>`,
  )}</tr></thead><tbody>${sample.map((r) => html`<tr>${r.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody></table></div>
${whyText(p)}
<div class="toolbar"><button type="submit" id="start-import">Import ${formatBytes(m.upload.sizeBytes)}</button>
<span class="spacer"></span></div></form>`;
}

function formatMarkerList(nulls: readonly string[] | undefined): string {
  return (nulls ?? []).join(', ');
}

/** Under a column's type: the missing-value markers seen with their counts, or why it is text. */
function columnNotes(p: CsvPreview, i: number): Html {
  const counts = p.stats.markerCounts[i] ?? [];
  const cause = p.stats.textCauses[i];
  const empty = p.stats.emptyCounts[i] ?? 0;
  const seen = [...counts.map((m) => html`<span class="pill mono" title="stored as NULL">${m.marker} × ${formatCount(m.count)}</span> `), empty > 0 ? html`<span class="pill" title="stored as NULL">empty × ${formatCount(empty)}</span>` : ''];
  return html`<div class="col-notes" style="font-weight:400;font-size:.75rem;margin-top:.3rem;white-space:normal">${
    cause ? html`<div class="text-cause">text because of <code>${shorten(cause.value)}</code> on line ${formatCount(cause.line)}</div>` : ''
  }${counts.length > 0 || empty > 0 ? html`<div class="markers">${seen}</div>` : ''}</div>`;
}

function shorten(v: string): string {
  return v.length > 40 ? `${v.slice(0, 40)}…` : v;
}

/** Below the grid: for each text column, the first value that kept it text, so one dirty cell stands out. */
function whyText(p: CsvPreview): Html {
  const items = p.columns.flatMap((c, i) => {
    const cause = p.stats.textCauses[i];
    return c.type === 'text' && cause ? [html`<li><strong>${c.name}</strong>: <code>${shorten(cause.value)}</code> on line ${formatCount(cause.line)}</li>`] : [];
  });
  if (items.length === 0) return html``;
  return html`<details class="card" id="why-text" open><summary>Why ${items.length === 1 ? 'one column is' : `${items.length} columns are`} text</summary>
<p class="muted" style="margin:.5rem 0">The first value in each that is not a number or date. If it is one dirty cell, list it under “Stored as NULL” and choose the type.</p><ul>${items}</ul></details>`;
}

export function renderReviewPage(m: ReviewModel): Html {
  return html`<h1>Review “${m.upload.fileName}”</h1><p class="sub">${formatBytes(m.upload.sizeBytes)} · uploaded by ${m.upload.createdBy}. Nothing is written until you import.</p>
${m.error ? renderErrorBox(m.error.message, m.error.details) : ''}
${readingForm(m)}
${m.preview ? commitForm(m, m.preview) : ''}
<form method="post" action="/uploads/${m.upload.id}/discard" style="margin-top:1rem"><button type="submit" class="danger">Discard this upload</button></form>`;
}
