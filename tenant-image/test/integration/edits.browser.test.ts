// Issue 14 in a real Chromium against a locally started app: the review of a file with NA
// markers and one stray word, fixing that column's type, the cleaned column sorted numerically,
// editing a cell, and the activity view. Screenshots go to a temp dir named on stderr (and to
// e2e/artifacts/edits/ when BERTH_KEEP_SHOTS=1), to be looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, gotoPage } from '../../../e2e/src/browser.js';
import { sessionHeaders, startAppProcess } from '../support/app-process.js';

const ARTIFACTS = fileURLToPath(new URL('../../../e2e/artifacts/edits/', import.meta.url));

function flightsCsv(): string {
  const lines = ['flight,carrier,dep_delay,arr_delay,distance,tailnum'];
  for (let i = 1; i <= 300; i++) {
    const cancelled = i % 11 === 0;
    // One stray word in distance, far from the top, as in real files.
    const distance = i === 187 ? 'unknown' : String(200 + ((i * 53) % 2400));
    lines.push(`${i},${['UA', 'AA', 'B6', 'DL'][i % 4]},${cancelled ? 'NA' : ((i * 37) % 140) - 10},${cancelled ? 'NA' : ((i * 29) % 160) - 20},${distance},N${String(100 + i).padStart(4, '0')}`);
  }
  return `${lines.join('\n')}\n`;
}

test('review NA markers, fix a type, sort numerically, edit a cell, see the activity — in Chromium', { timeout: 180_000 }, async (t) => {
  const shots = mkdtempSync(join(tmpdir(), 'berth-edits-shots-'));
  process.stderr.write(`screenshots: ${shots}\n`);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const dir = mkdtempSync(join(tmpdir(), 'berth-edits-ui-'));
  const app = await startAppProcess({ dataDir: dir, env: { BERTH_TENANT_NAME: 'newsroom' } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(async () => {
    await browser.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
    if (process.env.BERTH_KEEP_SHOTS === '1') cpSync(shots, ARTIFACTS, { recursive: true });
  });
  const context = await browser.newContext({
    viewport: { width: 1360, height: 900 },
    extraHTTPHeaders: { 'X-Berth-Auth': 'session', 'X-Berth-User-Id': 'u1', 'X-Berth-User-Email': 'ann@example.com', 'X-Berth-User-Role': 'owner' },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const up = await fetch(`${app.url}/api/uploads?name=flights.csv`, { method: 'POST', headers: { ...sessionHeaders(app.url), 'content-type': 'text/csv' }, body: flightsCsv() });
  assert.equal(up.status, 201);
  const { upload } = (await up.json()) as { upload: { id: string } };

  // The review: delays are integers with NA shown as markers; distance is text because of one word.
  await gotoPage(page, `${app.url}/uploads/${upload.id}/review`);
  await page.locator('#review-table').waitFor();
  assert.equal(await page.locator('select[data-column="dep_delay"]').inputValue(), 'integer');
  assert.equal(await page.locator('select[data-column="distance"]').inputValue(), 'text');
  assert.match(await page.locator('th[data-column="dep_delay"] .markers').innerText(), /NA × 27/);
  assert.match(await page.locator('#why-text').innerText(), /distance: unknown on line 188/);
  await shot(page, '01-review-na-markers');

  // Fix distance: "unknown" means no value, and the column is a number.
  await page.locator('select[data-column="distance"]').selectOption('integer');
  await page.getByLabel('Missing-value markers of column distance').fill('unknown');
  await page.locator('#table').fill('flights');
  await shot(page, '02-fix-type');
  await page.locator('#start-import').click();
  await page.waitForURL(/\/imports\/jobs\//);
  await page.locator('#job-outcome .alert.ok').waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Open flights' }).click();
  await page.waitForURL(/\/tables\/flights$/);
  assert.match(await page.locator('th', { hasText: 'distance' }).innerText(), /integer|number/);

  // Largest delays first, the cancelled flights (NULL) last.
  await gotoPage(page, `${app.url}/tables/flights?sort=dep_delay&desc=1`);
  const firstDelay = await page.locator('table.data tbody tr').first().locator('td').nth(3).innerText();
  assert.equal(firstDelay, '129');
  await shot(page, '03-sorted-desc');

  // Edit a cell: flight 11 was cancelled (NA); it did fly, 42 minutes late.
  await gotoPage(page, `${app.url}/tables/flights/rows/11`);
  await page.locator('#edit-row-link').click();
  await page.waitForURL(/\/rows\/11\/edit$/);
  await page.locator('input[data-column="dep_delay"]').fill('42');
  await shot(page, '04-edit-cell');
  await page.locator('#save-row').click();
  await page.waitForURL(/\/rows\/11$/);
  assert.match(await page.locator('dl.kv').innerText(), /dep_delay[\s\S]*42/);
  // A value that is not a number is refused on the form, naming the column.
  await page.locator('#edit-row-link').click();
  await page.locator('input[data-column="dep_delay"]').fill('forty');
  await page.locator('#save-row').click();
  await page.locator('.alert.error').waitFor();
  assert.match(await page.locator('.alert.error').innerText(), /dep_delay/);
  await shot(page, '05-edit-refused');

  await gotoPage(page, `${app.url}/activity`);
  const rows = page.locator('#activity tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /ann@example\.com[\s\S]*edited[\s\S]*row 11: dep_delay empty → 42/);
  assert.match(await rows.nth(1).innerText(), /imported[\s\S]*create from flights\.csv: 300 rows/);
  await shot(page, '06-activity');
  assert.deepEqual(errors, []);
});
