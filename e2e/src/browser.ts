// Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core, trusting
// the project's CA through an NSS database in a throwaway HOME (no system change, and
// certificate verification stays on). *.localhost resolves to loopback inside Chromium.
import { chromium, type Browser } from 'playwright-core';
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
