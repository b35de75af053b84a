// The tenant UI in a real Chromium against a locally started app: drag a CSV onto the page,
// watch the upload and the import, change a detected type, browse, sort, filter, facet,
// search, chart, query, export. Screenshots go to e2e/artifacts/tenant-ui/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { gotoPage } from '../../../e2e/src/browser.js';
import { startAppProcess } from '../support/app-process.js';

const ARTIFACTS = fileURLToPath(new URL('../../../e2e/artifacts/tenant-ui/', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function sampleCsv(rows: number): string {
  const cities = ['Oslo', 'Lima', 'Pune', 'Accra', 'Quito', 'Hanoi'];
  const lines = ['id,city,zip,amount,signed_up,note'];
  for (let i = 1; i <= rows; i++) {
    lines.push(`${i},${cities[i % cities.length]},0${1000 + (i % 8999)},${((i * 37) % 1000) / 4},2023-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},"note ${i}, ${i % 3 === 0 ? 'blue whale' : 'red fox'}"`);
  }
  return lines.join('\n') + '\n';
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

test('tenant UI end to end in Chromium', { timeout: 180_000 }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'berth-ui-'));
  const app = await startAppProcess({ dataDir: dir, env: { BERTH_TENANT_NAME: 'acme' } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(async () => {
    await browser.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    extraHTTPHeaders: { 'X-Berth-Auth': 'session', 'X-Berth-User-Id': 'u1', 'X-Berth-User-Email': 'ann@example.com', 'X-Berth-User-Role': 'owner' },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await gotoPage(page, `${app.url}/`);
  await assert.doesNotReject(page.getByText('Drop a CSV file here').waitFor());
  await shot(page, '01-tables-empty');

  // Drag and drop: a DataTransfer holding a File built in the page.
  const csv = sampleCsv(40_000);
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'Customers 2023.csv', { type: 'text/csv' }));
    return dt;
  }, csv);
  await page.dispatchEvent('#drop', 'dragenter', { dataTransfer });
  await page.dispatchEvent('#drop', 'drop', { dataTransfer });
  await page.waitForURL(/\/uploads\/[^/]+\/review$/, { timeout: 30_000 });
  await page.locator('#review-table').waitFor();
  await shot(page, '02-review');

  // Detected types: zip keeps its leading zero (text); amount is real. Override amount → text.
  assert.equal(await page.locator('select[data-column="zip"]').inputValue(), 'text');
  assert.equal(await page.locator('select[data-column="amount"]').inputValue(), 'real');
  assert.equal(await page.locator('select[data-column="signed_up"]').inputValue(), 'date');
  await page.locator('select[data-column="amount"]').selectOption('text');
  await page.locator('#table').fill('customers');
  await page.locator('#start-import').click();
  await page.waitForURL(/\/imports\/jobs\//);
  await page.locator('#job-outcome .alert.ok').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('#job-text').innerText(), /40,000 rows .* 100%/);
  await shot(page, '03-import-done');

  await page.getByRole('link', { name: 'Open customers' }).click();
  await page.waitForURL(/\/tables\/customers$/);
  assert.match(await page.locator('.sub').first().innerText(), /40,000 rows · 6 columns/);
  assert.match(await page.locator('th', { hasText: 'amount' }).innerText(), /text/);
  await shot(page, '04-table');

  // Sort by id descending (click twice), then filter, facet and search.
  await page.locator('th a.sort', { hasText: /^id/ }).click();
  await page.locator('th a.sort', { hasText: /^id/ }).click();
  await page.waitForURL(/sort=id&desc=1/);
  assert.equal(await page.locator('table.data tbody tr').first().locator('td').nth(1).innerText(), '40000');
  await page.locator('#fc').selectOption('city');
  await page.locator('#fo').selectOption('eq');
  await page.locator('#fv').fill('Oslo');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.waitForURL(/fc=city/);
  assert.match(await page.locator('.sub').first().innerText(), /6,666 match/);
  await page.locator('#facet').selectOption('zip');
  await page.getByRole('button', { name: 'Show facet' }).click();
  await page.locator('.facets h3', { hasText: 'zip' }).waitFor();
  await page.locator('#q').fill('whale');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=whale/);
  // Every Oslo row (id divisible by 6) is a whale; the full-text index finds them.
  assert.match(await page.locator('.sub').first().innerText(), /6,666 match/);
  assert.ok((await page.locator('.facets li').count()) >= 5);
  await shot(page, '05-table-filtered');
  await page.getByRole('link', { name: 'Next page »' }).click();
  await page.waitForURL(/after=/);

  // Chart of a date column and of a text column.
  await gotoPage(page, `${app.url}/tables/customers`);
  await page.locator('#chart-col').selectOption('signed_up');
  await page.getByRole('button', { name: 'Chart' }).click();
  await page.locator('.chart svg').waitFor();
  await shot(page, '06-chart-dates');
  await page.locator('#col').selectOption('city');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('.chart svg[aria-label^="Most common"]').waitFor();
  await shot(page, '07-chart-text');

  // SQL with a named parameter.
  await gotoPage(page, `${app.url}/sql`);
  await page.locator('#sql').fill('SELECT city, count(*) AS n, round(avg(id), 1) AS avg_id FROM customers WHERE id > :min GROUP BY city ORDER BY n DESC');
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.locator('#p-min').fill('100');
  await page.getByRole('button', { name: 'Run query' }).click();
  await page.locator('table.data tbody tr').first().waitFor();
  assert.equal(await page.locator('table.data tbody tr').count(), 6);
  await shot(page, '08-sql');

  // Export the table as CSV through the link.
  await gotoPage(page, `${app.url}/tables/customers?fc=city&fo=eq&fv=Oslo`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const exported = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  assert.equal(exported[0], 'id,city,zip,amount,signed_up,note');
  assert.equal(exported.length, 1 + 6666);

  await gotoPage(page, `${app.url}/`);
  await shot(page, '09-tables-list');
  await gotoPage(page, `${app.url}/imports`);
  await shot(page, '10-imports');
  await page.setViewportSize({ width: 390, height: 800 });
  await gotoPage(page, `${app.url}/tables/customers`);
  await shot(page, '11-table-narrow');
  assert.deepEqual(errors, []);
});
