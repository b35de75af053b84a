// Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core, trusting
// the project's CA through an NSS database in a throwaway HOME (no system change, and
// certificate verification stays on). *.localhost resolves to loopback inside Chromium.
import { chromium, type Browser, type Page, type Request, type Response } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(caPath?: string): Promise<TestBrowser> {
  const home = mkdtempSync(join(tmpdir(), 'berth-chromium-'));
  if (caPath) {
    const nss = join(home, '.pki', 'nssdb');
    mkdirSync(nss, { recursive: true });
    execFileSync('certutil', ['-d', `sql:${nss}`, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', `sql:${nss}`, '-A', '-t', 'C,,', '-n', 'berth local CA', '-i', caPath]);
  }
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    env: { ...process.env, HOME: home },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export const ARTIFACTS_DIR = new URL('../artifacts/', import.meta.url).pathname;

/**
 * Chromium aborts navigations in flight with net::ERR_NETWORK_CHANGED when a network interface
 * appears or goes away on the host, and Docker does exactly that whenever a test creates or
 * removes a network or a container's veth pair. Not our bug and not the page's: the navigation
 * is made again, and the retry is said on stderr so the run records it.
 */
function networkChanged(err: unknown): boolean {
  const message = String((err as Error)?.message ?? err);
  return message.includes('ERR_NETWORK_CHANGED')
    // The aborted navigation's error page can commit after the retry began, interrupting it,
    || message.includes('chrome-error://')
    // and that error page reloads itself a moment later, interrupting the retry the same way.
    || message.includes('is interrupted by another navigation');
}

export async function gotoPage(page: Page, url: string): Promise<Response | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url);
    } catch (err) {
      if (!networkChanged(err) || attempt > 5) throw err;
      process.stderr.write(`warning: navigation to ${url} aborted by a host network change (Docker); loading it again\n`);
      // Let what the abort set off settle first: the error page's commit, then its self-reload,
      // which leaves chrome-error:// (a navigation started at once was interrupted by them, and
      // one to about:blank in between was itself overtaken and interrupted the next).
      await page.waitForLoadState('load', { timeout: 2_000 }).catch(() => undefined);
      await page.waitForURL((u) => u.protocol !== 'chrome-error:', { timeout: 2_000, waitUntil: 'load' }).catch(() => undefined);
    }
  }
}

/**
 * Submits a form and waits until the browser has committed the navigation to `url`. `submit`
 * fills the form and submits it, so it can be run again: a form POST aborted by a host network
 * change (see gotoPage) leaves Chromium on its error page, which used to look like a hang; the
 * form page is then loaded again and `submit` run again at once. Any other miss after 15 s is
 * submitted once more, said on stderr; a second miss fails the test.
 */
export async function submitAndWait(page: Page, submit: () => Promise<void>, url: string | RegExp | ((u: URL) => boolean)): Promise<void> {
  const formUrl = page.url();
  let aborted = false;
  const onFailed = (req: Request) => {
    if (req.isNavigationRequest() && req.failure()?.errorText.includes('ERR_NETWORK_CHANGED')) aborted = true;
  };
  page.on('requestfailed', onFailed);
  try {
    for (let attempt = 1; ; attempt++) {
      aborted = false;
      if (attempt > 1 && page.url() !== formUrl) {
        await gotoPage(page, formUrl);
        // The aborted POST may have been carried out all the same (a sign-up that logged the
        // browser in): the form page then sends it on to where the submission leads.
        if (urlMatches(page.url(), url)) return;
      }
      await submit();
      const deadline = Date.now() + (attempt === 1 ? 15_000 : 30_000);
      let arrived = false;
      while (!arrived && !aborted && Date.now() < deadline) {
        arrived = await page.waitForURL(url, { timeout: 250, waitUntil: 'commit' }).then(() => true, () => false);
      }
      // An aborted request may not have been the form's: it can have arrived all the same.
      if (!arrived && aborted) arrived = await page.waitForURL(url, { timeout: 1000, waitUntil: 'commit' }).then(() => true, () => false);
      if (arrived) return;
      if (attempt >= 3 || (!aborted && attempt >= 2)) throw new Error(`form submission from ${page.url()} did not navigate (attempt ${attempt})`);
      process.stderr.write(`warning: form submission from ${page.url()} ${aborted ? 'was aborted by a host network change (Docker)' : 'did not navigate within 15 s'}; submitting once more\n`);
    }
  } finally {
    page.off('requestfailed', onFailed);
  }
}

/**
 * Submits a form whose action must not run twice (starting a rollout, a restore) and waits until
 * the browser has committed the navigation to `url`. When a host network change aborts that
 * navigation (see gotoPage), the POST may or may not have reached the server, so it is not simply
 * sent again: `recover.url` is loaded and `recover.carriedOut()` looks there for the action's
 * effect; only when it is absent is the form loaded and submitted again. Returns whether the
 * browser arrived at `url` (false: the effect was found at `recover.url`, where the page now is).
 */
export async function submitOnce(
  page: Page,
  submit: () => Promise<void>,
  url: string | RegExp | ((u: URL) => boolean),
  recover: { url: string; carriedOut: () => Promise<boolean> },
): Promise<boolean> {
  const formUrl = page.url();
  let aborted = false;
  const onFailed = (req: Request) => {
    if (req.isNavigationRequest() && req.failure()?.errorText.includes('ERR_NETWORK_CHANGED')) aborted = true;
  };
  page.on('requestfailed', onFailed);
  try {
    for (let attempt = 1; ; attempt++) {
      aborted = false;
      await submit();
      const deadline = Date.now() + 30_000;
      let arrived = false;
      while (!arrived && !aborted && Date.now() < deadline) {
        arrived = await page.waitForURL(url, { timeout: 250, waitUntil: 'commit' }).then(() => true, () => false);
      }
      if (!arrived && aborted) arrived = await page.waitForURL(url, { timeout: 1000, waitUntil: 'commit' }).then(() => true, () => false);
      if (arrived) return true;
      if (!aborted || attempt >= 3) throw new Error(`form submission from ${formUrl} did not navigate (attempt ${attempt})`);
      process.stderr.write(`warning: the answer to a form submission from ${formUrl} was aborted by a host network change (Docker); looking at ${recover.url} for its effect\n`);
      await gotoPage(page, recover.url);
      if (await recover.carriedOut()) return false;
      await gotoPage(page, formUrl);
    }
  } finally {
    page.off('requestfailed', onFailed);
  }
}

/** The test page.waitForURL applies, for the forms used here: a full URL, a RegExp or a predicate. */
function urlMatches(current: string, url: string | RegExp | ((u: URL) => boolean)): boolean {
  if (typeof url === 'string') return current === url;
  if (url instanceof RegExp) return url.test(current);
  return url(new URL(current));
}
