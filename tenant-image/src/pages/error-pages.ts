// HTML error pages: the 401 page points to the control plane's login (normally ForwardAuth
// redirects before a request without identity ever gets here); others show the error box.
import type { BerthError } from '../errors.js';
import { html } from '@berth/common/html';
import { renderErrorBox, renderPage, type PageFrame } from './layout.js';

export function renderUnauthenticatedPage(tenant: string, loginUrl: string): string {
  return renderPage(
    { title: 'Sign in', tenant },
    html`<h1>Sign in to continue</h1><div class="card"><p>This instance is private. Sign in with your berth account to open it.</p>
<p><a class="btn" href="${loginUrl}">Sign in</a></p></div>`,
  );
}

export function renderErrorPage(frame: PageFrame, err: BerthError): string {
  return renderPage(
    frame,
    html`<h1>${err.status === 404 ? 'Not found' : 'Something went wrong'}</h1>${renderErrorBox(err.message, err.details)}
<p><a href="/">Back to tables</a></p>`,
  );
}
