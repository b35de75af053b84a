// Landing, log-in and sign-up pages. Forms post back to themselves and work without script.
import { html, type Html } from '@berth/common/html';
import { renderLayout } from './layout.js';

export interface AccountFormState {
  readonly csrfToken: string;
  readonly email?: string;
  /** Local path to continue to after success (e.g. the SSO start of a tenant). */
  readonly next?: string;
  readonly error?: string;
  readonly fieldErrors?: { readonly email?: string; readonly password?: string };
}

export function renderLanding(): string {
  return renderLayout({
    title: 'Welcome',
    body: html`<section class="hero"><h1>Your own private data instance</h1>
      <p>Upload CSV files, browse and query them as tables, and share them with your team — on a subdomain of your own.</p>
      <div class="actions"><a class="button" href="/signup">Sign up</a><a class="button secondary" href="/login">Log in</a></div></section>`,
  });
}

function fieldError(message: string | undefined): Html | string {
  return message ? html`<p class="field-error" role="alert">${message}</p>` : '';
}

function renderAccountForm(kind: 'login' | 'signup', s: AccountFormState): Html {
  const login = kind === 'login';
  return html`<div class="card narrow"><h1>${login ? 'Log in' : 'Create your account'}</h1>
    ${s.error ? html`<div class="alert" role="alert" data-testid="form-error">${s.error}</div>` : ''}
    <form method="post" action="${login ? '/login' : '/signup'}" novalidate>
      <input type="hidden" name="_csrf" value="${s.csrfToken}">
      ${s.next ? html`<input type="hidden" name="next" value="${s.next}">` : ''}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="email" required value="${s.email ?? ''}">
      ${fieldError(s.fieldErrors?.email)}
      <label for="password">Password</label>
      <input id="password" name="password" type="password" required autocomplete="${login ? 'current-password' : 'new-password'}"${login ? '' : html` minlength="10"`}>
      ${login ? '' : html`<p class="hint">At least 10 characters.</p>`}
      ${fieldError(s.fieldErrors?.password)}
      <div class="actions"><button type="submit">${login ? 'Log in' : 'Sign up'}</button>
        ${login
          ? html`<span class="muted">No account? <a href="${withNext('/signup', s.next)}">Sign up</a></span>`
          : html`<span class="muted">Have an account? <a href="${withNext('/login', s.next)}">Log in</a></span>`}
      </div>
    </form></div>`;
}

function withNext(path: string, next: string | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function renderLogin(s: AccountFormState): string {
  return renderLayout({ title: 'Log in', body: renderAccountForm('login', s) });
}

export function renderSignup(s: AccountFormState): string {
  return renderLayout({ title: 'Sign up', body: renderAccountForm('signup', s) });
}
