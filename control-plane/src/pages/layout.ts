// The frame around every page: header (with the logout button when signed in) and main.
import { LIVE_STATE_SCRIPT, STYLE } from './assets.js';
import { html, type Html, trusted } from '@berth/common/html';

export interface PageUser {
  readonly email: string;
  readonly csrfToken: string;
}

export interface PageOptions {
  readonly title: string;
  readonly user?: PageUser;
  readonly body: Html;
  /** JSON endpoint the live-state script polls; omit for pages without live state. */
  readonly stateUrl?: string;
}

export function renderLayout(opts: PageOptions): string {
  const who = opts.user
    ? html`<div class="who"><span data-testid="user-email">${opts.user.email}</span>
        <form class="inline" method="post" action="/logout"><input type="hidden" name="_csrf" value="${opts.user.csrfToken}">
        <button type="submit" class="secondary">Log out</button></form></div>`
    : html`<div class="who"><a href="/login">Log in</a><a class="button" href="/signup">Sign up</a></div>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${opts.title} · berth</title><style>${trusted(STYLE)}</style></head>
<body${opts.stateUrl ? html` data-state-url="${opts.stateUrl}"` : ''}>
<header class="top"><a class="brand" href="/">berth</a>${who}</header>
<main>${opts.body}</main>
${opts.stateUrl ? html`<script>${trusted(LIVE_STATE_SCRIPT)}</script>` : ''}
</body></html>`.value;
}

/** A one-message page (not found, forbidden, expired link…). */
export function renderMessagePage(title: string, message: string, link?: { href: string; text: string }, user?: PageUser): string {
  return renderLayout({
    title,
    user,
    body: html`<div class="card narrow"><h1>${title}</h1><p>${message}</p>
      ${link ? html`<p><a class="button" href="${link.href}">${link.text}</a></p>` : ''}</div>`,
  });
}
