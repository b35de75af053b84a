// Tenants whose slugs are another tenant's slug plus a role word (x, x-sso, x-health) each keep
// their own routers: a person signs in to every one of them through Chromium, over the real
// stack (Traefik, control plane, Docker). With the old names (t-<slug>-sso), x-sso's router
// took x's single-sign-on router's name and signing in to x looped in redirects. Also: every
// answer through Traefik carries the security headers (tenant page, control-plane page, errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startStack, type Stack } from '../src/stack.js';
import { gotoPage, launchBrowser, submitAndWait, ARTIFACTS_DIR, type TestBrowser } from '../src/browser.js';
import { createTenant, openTenant, signUp, waitUntilServing, type Session } from '../src/session.js';
import { request } from '../src/https-client.js';

const shots = join(ARTIFACTS_DIR, 'hostile-tenants');
const PASSWORD = 'correct horse battery';
const base = `h${randomBytes(3).toString('hex')}`;
const slugs = [base, `${base}-sso`, `${base}-health`];
let stack: Stack;
let chromium: TestBrowser;
let owner: Session;

before(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await startStack();
  chromium = await launchBrowser(stack.caPath);
  owner = await signUp(stack, `owner-${base}@example.test`, PASSWORD);
  for (const slug of slugs) await createTenant(stack, owner, slug);
  for (const slug of slugs) await waitUntilServing(stack, owner, slug);
});

after(async () => {
  await chromium?.close();
  await stack?.stop();
});

test('x, x-sso and x-health: each has its own routers, and signing in to each works in Chromium', async () => {
  // Three tenant files, each defining only its own names.
  const routers = (await (await fetch(`${stack.traefikApi}/api/http/routers?per_page=1000`)).json()) as { name: string; rule: string }[];
  for (const slug of slugs) {
    const host = `${slug}.${stack.domain}`;
    for (const name of [`t-${slug}@file`, `t-${slug}.health@file`, `t-${slug}.sso@file`]) {
      const r = routers.find((x) => x.name === name);
      assert.ok(r, `Traefik has ${name}`);
      assert.ok(r.rule.startsWith(`Host(\`${host}\`)`), `${name} serves ${host}: ${r.rule}`);
    }
    const health = await request(`${stack.tenantUrl(slug)}/__heartbeat__`, { agent: stack.agent });
    assert.equal(health.status, 200, `${slug}'s heartbeat answers without sign-in`);
  }

  const context = await chromium.browser.newContext();
  const page = await context.newPage();
  await gotoPage(page, `${stack.publicUrl}/login`);
  await submitAndWait(page, async () => {
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: /log in/i }).click();
  }, `${stack.publicUrl}/`);

  for (const slug of slugs) {
    await gotoPage(page, `${stack.tenantUrl(slug)}/`);
    // Through /sso/start on the control plane and /__berth/sso on the tenant host, back home.
    await page.waitForURL((u) => u.host.startsWith(`${slug}.`) && !u.pathname.startsWith('/__berth'));
    assert.match(await page.content(), new RegExp(owner.email.replace(/[.]/g, '\\.')), `${slug} knows who is visiting`);
    await page.screenshot({ path: join(shots, `${slug.replace(base, 'x')}.png`), fullPage: true });
    const cookies = await context.cookies(stack.tenantUrl(slug));
    assert.ok(cookies.some((c) => /berth_t$/.test(c.name) && c.domain === `${slug}.${stack.domain}`), `${slug} set its own host-only cookie`);
  }
  await context.close();
});

test('through Traefik: tenant pages, control-plane pages and error answers carry the security headers, with HSTS', async () => {
  const cookie = await openTenant(stack, owner, base);
  const html = { accept: 'text/html' };
  const answers = {
    'tenant page': await request(`${stack.tenantUrl(base)}/`, { agent: stack.agent, headers: { ...html, cookie } }),
    'tenant error page': await request(`${stack.tenantUrl(base)}/tables/no-such-table`, { agent: stack.agent, headers: { ...html, cookie } }),
    'ForwardAuth refusal': await request(`${stack.tenantUrl(base)}/api/tables`, { agent: stack.agent, headers: { accept: 'application/json' } }),
    'tenant health': await request(`${stack.tenantUrl(base)}/__heartbeat__`, { agent: stack.agent }),
    'control-plane page': await request(`${stack.publicUrl}/login`, { agent: stack.agent, headers: html }),
    'control-plane error page': await request(`${stack.publicUrl}/sso/start?tenant=${base}&rd=%2F%2Felsewhere`, { agent: stack.agent, headers: html }),
    'control-plane not found': await request(`${stack.publicUrl}/no-such-page`, { agent: stack.agent, headers: html }),
  };
  for (const [what, res] of Object.entries(answers)) {
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', what);
    assert.equal(res.headers['x-frame-options'], 'DENY', what);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
  }
  assert.equal(answers['tenant page'].status, 200);
  assert.equal(answers['tenant error page'].status, 404);
  assert.equal(answers['ForwardAuth refusal'].status, 401);
  assert.equal(answers['control-plane error page'].status, 400);
  assert.equal(answers['control-plane not found'].status, 404);
  for (const what of ['tenant page', 'tenant error page', 'control-plane page', 'control-plane error page'] as const) {
    const csp = String(answers[what].headers['content-security-policy'] ?? '');
    assert.match(csp, /frame-ancestors 'none'/, what);
    assert.match(csp, /script-src 'sha256-/, what);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, what);
    assert.ok(answers[what].headers['referrer-policy'], `${what} has a referrer policy`);
  }
});
