// An instance's backups, for its owner: the restorable points within the retention window
// (a timeline drawn as SVG: attributes, not inline styles, which the CSP refuses), restoring
// one table as it was at a moment, restoring or undoing the whole instance, and downloading a
// consistent copy of the database.
import { html, type Html } from '@berth/common/html';
import type { Timeline } from '../backup/restore-timeline.js';
import type { TenantView } from '../tenants/tenant-views.js';
import { renderLayout, type PageUser } from './layout.js';

export interface BackupsPageState {
  readonly user: PageUser;
  readonly tenant: TenantView;
  /** null when it could not be read (the message says why). */
  readonly timeline: Timeline | null;
  readonly timelineError?: string;
  readonly error?: string;
  /** What the last action did, in a sentence. */
  readonly notice?: string;
  /** After a table replace: the form that undoes it. */
  readonly undoTable?: { readonly table: string; readonly keptAs: string };
  readonly form?: { readonly table?: string; readonly at?: string; readonly mode?: string };
}

const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'));

function renderTimelineSvg(t: Timeline): Html {
  const from = t.earliestRestorable;
  const to = t.latestReplicated;
  if (from === null || to === null) return html`<p class="muted" data-testid="timeline-empty">Nothing replicated yet.</p>`;
  const span = Math.max(1, to - from);
  const x = (ms: number) => (10 + ((Math.min(Math.max(ms, from), to) - from) / span) * 680).toFixed(1);
  const points = t.lineages.flatMap((l) => l.points.filter((p) => p >= from));
  const snapshots = t.lineages.flatMap((l) => l.snapshots.filter((p) => p >= from));
  return html`<svg viewBox="0 0 700 54" width="100%" role="img" aria-label="Restorable points from ${iso(from)} to ${iso(to)}" data-testid="timeline-svg">
    <rect x="10" y="22" width="680" height="6" rx="3" fill="#dfe6f5"></rect>
    ${t.lineages.map((l) => html`<line x1="${x(Math.max(l.startedAt, from))}" y1="12" x2="${x(Math.max(l.startedAt, from))}" y2="38" stroke="#5b6576" stroke-dasharray="2,2"></line>`)}
    ${points.map((p) => html`<line x1="${x(p)}" y1="18" x2="${x(p)}" y2="32" stroke="#2450d3" stroke-width="1.5"></line>`)}
    ${snapshots.map((p) => html`<circle cx="${x(p)}" cy="25" r="5" fill="#157347"></circle>`)}
    <text x="10" y="52" font-size="11" fill="#5b6576">${iso(from)}</text>
    <text x="690" y="52" font-size="11" fill="#5b6576" text-anchor="end">${iso(to)}</text>
  </svg>`;
}

function renderTimeline(t: Timeline | null, err: string | undefined): Html {
  if (!t) return html`<div class="alert" role="alert">The restorable points could not be read: ${err ?? 'unknown error'}</div>`;
  return html`<dl class="facts">
      <dt>Earliest restorable moment</dt><dd data-testid="earliest-restorable">${iso(t.earliestRestorable)}</dd>
      <dt>Latest replicated moment</dt><dd data-testid="latest-replicated">${iso(t.latestReplicated)}</dd>
      <dt>Retention</dt><dd>${t.retentionHours} hours</dd></dl>
    ${renderTimelineSvg(t)}
    <p class="muted">Blue: replicated transactions; green: snapshots; dashed: a new history began (after a restore).</p>
    <table data-testid="lineages"><thead><tr><th>History</th><th>Began</th><th>Points</th><th>Snapshots</th><th>Newest</th></tr></thead><tbody>
      ${t.lineages.map((l) => html`<tr><td>#${l.lineageId} <span class="muted">${l.reason}</span></td><td>${iso(l.startedAt)}</td>
        <td data-testid="points-${l.lineageId}">${l.points.length}</td><td>${l.snapshots.length}</td><td>${iso(l.latest)}</td></tr>`)}
    </tbody></table>
    <details><summary>Recent restorable moments</summary><ul data-testid="points">
      ${t.lineages.flatMap((l) => l.points).sort((a, b) => b - a).slice(0, 30).map((p) => html`<li><code>${iso(p)}</code></li>`)}
    </ul></details>`;
}

export function renderBackupsPage(s: BackupsPageState): string {
  const t = s.tenant;
  const csrf = html`<input type="hidden" name="_csrf" value="${s.user.csrfToken}">`;
  const defaultAt = s.form?.at ?? (s.timeline?.latestReplicated ? iso(s.timeline.latestReplicated) : '');
  const mode = s.form?.mode ?? 'beside';
  return renderLayout({
    title: `${t.slug} · backups`,
    user: s.user,
    body: html`
      <p><a href="/instances/${t.slug}">← ${t.slug}</a></p>
      <h1>Backups of ${t.slug}</h1>
      ${s.error ? html`<div class="alert" role="alert" data-testid="form-error">${s.error}</div>` : ''}
      ${s.notice ? html`<div class="notice" role="status" data-testid="notice">${s.notice}</div>` : ''}
      ${s.undoTable
        ? html`<form method="post" action="/instances/${t.slug}/backups/undo-table" class="card" data-testid="undo-table">${csrf}
            <input type="hidden" name="table" value="${s.undoTable.table}"><input type="hidden" name="keptAs" value="${s.undoTable.keptAs}">
            <p>Put “${s.undoTable.keptAs}” back as “${s.undoTable.table}” (the restored rows are kept beside it).</p>
            <div class="actions"><button type="submit" class="secondary">Undo the replace</button></div></form>`
        : ''}
      <section class="card"><h2>Restorable points</h2>${renderTimeline(s.timeline, s.timelineError)}</section>
      <section class="card"><h2>Restore one table</h2>
        <p class="muted">The table as it was at a moment, copied in all at once. Other tables are not touched.</p>
        <form method="post" action="/instances/${t.slug}/backups/restore-table" data-testid="restore-table-form">${csrf}
          <label for="rt-table">Table</label>
          <input id="rt-table" name="table" type="text" required autocomplete="off" value="${s.form?.table ?? ''}">
          <label for="rt-at">Moment (UTC, ISO 8601)</label>
          <input id="rt-at" name="at" type="text" required autocomplete="off" value="${defaultAt}">
          <fieldset><legend>Where the restored rows go</legend>
            <label><input type="radio" name="mode" value="beside"${mode === 'beside' ? ' checked' : ''}> As a new table beside it (<code>name_restored_yyyymmddhhmm</code>)</label>
            <label><input type="radio" name="mode" value="replace"${mode === 'replace' ? ' checked' : ''}> Replacing it (the current table is kept as <code>name_replaced_yyyymmddhhmm</code>; undoable)</label>
          </fieldset>
          <div class="actions"><button type="submit">Restore table</button></div></form></section>
      <section class="card"><h2>Download the database</h2>
        <p class="muted">A consistent copy of the whole SQLite database, made without stopping writes.</p>
        <p><a class="button" href="/instances/${t.slug}/backups/download" data-testid="download">Download ${t.slug}.sqlite</a></p></section>
      <section class="card"><h2>Restore the whole instance</h2>
        <p class="muted">The instance stops for a few seconds and comes back with its database as it was at the moment (empty: the latest replicated moment). The current database is kept; “Undo the last restore” puts it back.</p>
        <form method="post" action="/instances/${t.slug}/backups/restore" data-testid="restore-instance-form">${csrf}
          <label for="ri-at">Moment (UTC, ISO 8601; empty for the latest)</label>
          <input id="ri-at" name="at" type="text" autocomplete="off">
          <label for="ri-confirm">Type <code>${t.slug}</code> to confirm</label>
          <input id="ri-confirm" name="confirm" type="text" required autocomplete="off" autocapitalize="none" spellcheck="false">
          <div class="actions"><button type="submit" class="danger" name="action" value="restore">Restore instance</button>
            <button type="submit" class="secondary" name="action" value="undo">Undo the last restore</button></div></form></section>`,
  });
}
