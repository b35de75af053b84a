// The admin page in a real Chromium on the real stack: an admin (granted by the operator) starts a
// rollout from the form and watches it finish live (server-sent events under the page's
// Content-Security-Policy); a member who is not an admin is refused. Screenshots are saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { gotoPage, launchBrowser, submitAndWait, submitOnce, ARTIFACTS_DIR, type TestBrowser } from '../../../e2e/src/browser.js';
import { createRunningTenants, startRolloutStack, type RolloutStack } from './rollout-helpers.js';

const shots = join(ARTIFACTS_DIR, 'rollout-admin');
let rs: RolloutStack;
let chromium: TestBrowser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  // The helper signs up a user and grants them admin with the operator token; the browser logs in as them.
  rs = await startRolloutStack();
  chromium = await launchBrowser(rs.stack.caPath);
});
after(async () => {
  await chromium?.close();
  await rs?.stop();
});

async function logIn(context: BrowserContext, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await gotoPage(page, `${rs.stack.publicUrl}/login`);
  await submitAndWait(page, async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: /log in/i }).click();
  }, `${rs.stack.publicUrl}/`);
  return page;
}

test('an admin starts a rollout from the page and watches it finish live', { timeout: 180_000 }, async () => {
  await createRunningTenants(rs, ['page-a', 'page-b']);
  const context = await chromium.browser.newContext();
  const page = await logIn(context, `ops-${rs.stack.instance}@example.com`, 'a long enough password');
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });

  await gotoPage(page, `${rs.stack.publicUrl}/admin`);
  await page.getByRole('heading', { name: 'Tenants (2)' }).waitFor();
  await page.screenshot({ path: join(shots, '01-admin.png'), fullPage: true });

  await page.getByLabel('Image').fill(rs.imageB);
  await page.getByLabel('Canary tenants').fill('1');
  await page.getByLabel('Parallelism').fill('2');
  // Not submitted twice: a second start would be refused while the first one runs.
  await submitOnce(page, () => page.getByRole('button', { name: 'Start rollout' }).click(), /\/admin#rollout-\d+$/, {
    url: `${rs.stack.publicUrl}/admin`,
    carriedOut: async () => (await page.locator('.rollout').count()) > 0,
  });
  // The live block moves by itself (SSE), then the page reloads once the rollout ended.
  const state = page.locator('.rollout').first().locator('[data-role=state]');
  await state.filter({ hasText: /canary|running/ }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(shots, '02-rolling.png'), fullPage: true });
  await state.filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
  await page.locator('.rollout').first().getByText(/page-b: current → rollout-b-\S+ done/).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(shots, '03-done.png'), fullPage: true });
  assert.deepEqual(violations, []);
  await context.close();
});

test('a signed-in member who is not an admin is refused', async () => {
  const context = await chromium.browser.newContext();
  const page = await context.newPage();
  await gotoPage(page, `${rs.stack.publicUrl}/signup`);
  await submitAndWait(page, async () => {
    await page.getByLabel('Email').fill(`member-${rs.stack.instance}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
  }, `${rs.stack.publicUrl}/`);
  const res = await gotoPage(page, `${rs.stack.publicUrl}/admin`);
  assert.equal(res?.status(), 403);
  await page.screenshot({ path: join(shots, '04-member-refused.png'), fullPage: true });
  await context.close();
});
