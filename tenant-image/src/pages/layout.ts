// The page frame: header with tenant name and user, tables navigation, content. Every page
// is a pure function of data returning Html.
import type { Identity } from '../auth/identity.js';
import { html, type Html, trusted } from '@berth/common/html';
import { formatCount, tablePath } from './format.js';
import { CSS } from './styles.js';

export interface NavTable {
  readonly name: string;
  readonly rows: number;
}

export interface PageFrame {
  readonly title: string;
  readonly tenant: string;
  readonly identity?: Identity;
  readonly tables?: readonly NavTable[];
  readonly activeTable?: string;
  readonly section?: 'tables' | 'sql' | 'imports' | 'activity' | 'tokens';
  /** Inline script (written in this codebase, listed in http/security-headers.ts), added at the end of the body. */
  readonly script?: string;
}

/**
 * On every page: a form with data-confirm asks before it submits. An attribute handler
 * (onsubmit="…") would need 'unsafe-inline' in the content security policy; this one script
 * is allowed by its hash (http/security-headers.ts).
 */
export const CONFIRM_SCRIPT = `
document.addEventListener('submit',function(e){var f=e.target;if(f&&f.dataset&&f.dataset.confirm&&!confirm(f.dataset.confirm))e.preventDefault()},true);
`;

export function renderPage(frame: PageFrame, body: Html): string {
  const nav = (href: string, label: string, key: PageFrame['section']) =>
    html`<a href="${href}" class="${frame.section === key ? 'active' : ''}">${label}</a>`;
  const side = frame.tables
    ? html`<aside class="side"><h2>Tables</h2><ul>${frame.tables.map(
        (t) => html`<li><a href="${tablePath(t.name)}" class="${t.name === frame.activeTable ? 'active' : ''}"><span>${t.name}</span><small>${formatCount(t.rows)}</small></a></li>`,
      )}${frame.tables.length === 0 ? html`<li class="muted">No tables yet</li>` : ''}</ul></aside>`
    : html`<aside class="side"></aside>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${frame.title} · ${frame.tenant}</title><style>${trusted(CSS)}</style></head>
<body><header class="top"><a class="brand" href="/">${frame.tenant}<small>berth</small></a>
<nav>${nav('/', 'Tables', 'tables')}${nav('/sql', 'SQL', 'sql')}${nav('/imports', 'Imports', 'imports')}${nav('/activity', 'Activity', 'activity')}${nav('/tokens', 'API tokens', 'tokens')}</nav>
${frame.identity ? html`<span class="user">${frame.identity.email} · ${frame.identity.role}</span>` : ''}</header>
<div class="layout">${side}<main>${body}</main></div>
<script>${trusted(CONFIRM_SCRIPT)}</script>${frame.script ? html`<script>${trusted(frame.script)}</script>` : ''}</body></html>`.value;
}

export function renderErrorBox(message: string, details?: Record<string, unknown>): Html {
  const where = details && (details.line !== undefined || details.column !== undefined)
    ? html` <span class="mono">(${details.line !== undefined ? html`line ${String(details.line)}` : ''}${details.line !== undefined && details.column !== undefined ? ', ' : ''}${details.column !== undefined ? html`column ${String(details.column)}` : ''})</span>`
    : '';
  return html`<div class="alert error" role="alert"><strong>Error:</strong> ${message}${where}</div>`;
}
