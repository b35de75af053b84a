// The journey of a person signing up, end to end on the real stack (Traefik, control plane,
// Docker, Chromium): sign up → create an instance → it becomes ready on the dashboard → open
// its subdomain without logging in again → a second user who is not a member is refused →
// log out → the instance sends you to log in. Screenshots of each page are saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, BrowserContext } from 'playwright-core';
import { startStack, type Stack } from '../src/stack.js';
import { gotoPage, launchBrowser, submitAndWait, ARTIFACTS_DIR, type TestBrowser } from '../src/browser.js';

const shots = join(ARTIFACTS_DIR, 'signup-sso');
let stack: Stack;
let chromium: TestBrowser;
const slug = `news${Date.now().toString(36).slice(-5)}`;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function signUp(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await gotoPage(page, `${stack.publicUrl}/signup`);
  try {
    await submitAndWait(page, async () => {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Sign up' }).click();
    }, `${stack.publicUrl}/`);
  } catch (err) {
    await shot(page, `failed-signup-${email}`);
    // A first POST that Chromium aborted on a host network change may still have created the
    // account, and the resubmission then finds the email taken: log in with it instead.
    await gotoPage(page, `${stack.publicUrl}/login`);
    // Already logged in by that POST: the login page sends the browser on to the dashboard.
    if (page.url() === `${stack.publicUrl}/`) return page;
    await submitAndWait(page, async () => {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: /log in/i }).click();
    }, `${stack.publicUrl}/`).catch(() => {
      throw err;
    });
  }
  return page;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await startStack();
  chromium = await launchBrowser(stack.caPath);
});

after(async () => {
  await chromium?.close();
  await stack?.stop();
});

test('sign up, create an instance, use it through single sign-on, and lose access on logout', async () => {
  const alice = await chromium.browser.newContext();
  const page = await signUp(alice, 'alice@example.test');
  await shot(page, '01-dashboard-empty');

  await page.getByLabel('Subdomain').fill(slug);
  await page.getByRole('button', { name: 'Create instance' }).click();
  await page.waitForURL((u) => u.pathname === '/' || u.pathname.startsWith('/instances'));
  if (!page.url().endsWith('/')) await gotoPage(page, `${stack.publicUrl}/`);
  // The dashboard refreshes states by itself; wait for the reconciler to bring it up.
  await page.getByTestId(`state-${slug}`).filter({ hasText: /running/i }).waitFor({ timeout: 30_000 });
  await shot(page, '02-dashboard-running');

  // Same browser, tenant subdomain: no second login (SSO hop through the control plane).
  const link = page.getByTestId(`open-${slug}`);
  assert.equal((await link.getAttribute('href'))?.replace(/\/$/, ''), stack.tenantUrl(slug));
  await gotoPage(page, `${stack.tenantUrl(slug)}/`);
  await page.waitForURL((u) => u.host.startsWith(`${slug}.`) && !u.pathname.startsWith('/__berth'));
  assert.match(await page.content(), /alice@example\.test/, 'the tenant knows who is visiting');
  await shot(page, '03-tenant-home');
  const tenantCookie = (await alice.cookies(stack.tenantUrl(slug))).find((c) => c.name === '__Host-berth_t');
  assert.ok(tenantCookie, 'a tenant-host cookie was set');
  assert.equal(tenantCookie.httpOnly, true);
  assert.equal(tenantCookie.secure, true);
  assert.equal(tenantCookie.sameSite, 'Lax');
  assert.ok(!tenantCookie.domain.startsWith('.'), 'host-only cookie');
  const cpCookie = (await alice.cookies(stack.publicUrl)).find((c) => c.name === '__Host-berth_session');
  assert.ok(cpCookie && !cpCookie.domain.startsWith('.'), 'control-plane session is host-only: never sent to tenants');

  // A second user, logged in but not a member, is refused.
  const bob = await chromium.browser.newContext();
  const bobPage = await signUp(bob, 'bob@example.test');
  const refused = await gotoPage(bobPage, `${stack.tenantUrl(slug)}/`);
  assert.equal(refused?.status(), 403);
  assert.doesNotMatch(await bobPage.content(), /alice@example\.test/);
  await shot(bobPage, '04-non-member-refused');

  // Log out on the control plane: the tenant sends the browser to log in.
  await gotoPage(page, `${stack.publicUrl}/`);
  // Wait for the logout's own redirect to /login, as the other form submissions do: the page is
  // already on the control plane's host, so waiting for that host could return before the POST
  // (and once hung 30 s on a load event).
  await submitAndWait(page, () => page.getByRole('button', { name: 'Log out' }).click(), (u) => u.host === new URL(stack.publicUrl).host && u.pathname === '/login');
  await gotoPage(page, `${stack.tenantUrl(slug)}/`);
  await page.waitForURL((u) => u.host === new URL(stack.publicUrl).host && u.pathname.startsWith('/login'));
  await shot(page, '05-after-logout-login');
  await alice.close();
  await bob.close();
});
