// An owner's restores end to end, with a real control plane, real Litestream and real tenant
// containers: one table restored as it was at a moment, beside the current one and replacing it
// (other tables untouched), the replace undone; the timeline of restorable points; a download
// that is a valid SQLite file with the rows; a purge that leaves backups inside the window
// alone; the whole instance restored to a moment by its owner and the restore undone (API),
// then restored through the page's form; the backups page in Chromium (screenshots saved for a person to look at).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { waitFor } from '@berth/common/wait-for';
import { startStack, type Stack } from '../src/stack.js';
import { createTenant, signUp, waitUntilServing, send, type Session } from '../src/session.js';
import { appendRows, importCsv, runSql } from '../src/load/tenant-api.js';
import { isOk } from '../src/load/http-call.js';
import { signedInTarget, type TenantTarget } from '../src/load/tenant-target.js';
import { gotoPage, launchBrowser, submitAndWait, type TestBrowser } from '../src/browser.js';
import { LITESTREAM_BIN } from '../src/litestream-bin.js';

const run = promisify(execFile);
const SHOTS = process.env.BERTH_SHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'berth-backup-shots-'));
let stack: Stack;
let session: Session;
let stateDir = '';
let chromium: TestBrowser | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'berth-backup-owner-'));

before(async () => {
  stack = await startStack({ env: { BERTH_BACKUP_INTERVAL_MS: '300', BERTH_BACKUP_LAG_LIMIT_S: '4' } });
  stateDir = join(stack.dir, 'state');
  session = await signUp(stack, 'owner@example.test', 'correct horse battery staple');
});

after(async () => {
  await chromium?.close();
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(`backup page screenshots: ${SHOTS}\n`);
});

function tenantTarget(slug: string): Promise<TenantTarget> {
  return signedInTarget(stack, session, slug);
}

async function write(t: TenantTarget, table: string, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    const r = await appendRows(t, table, [{ n, tag: table }]);
    assert.ok(isOk(r), `append ${table} ${n}: ${r.status} ${r.body.slice(0, 200)}`);
  }
}

async function ns(t: TenantTarget, table: string): Promise<number[]> {
  const r = await runSql(t, `SELECT n FROM "${table}" WHERE n > 0 ORDER BY n`);
  return r.rows.map((row) => Number(row[0]));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Waits until a copy restored from the newest lineage by Litestream's own CLI holds these rows of notes. */
async function replicaHolds(slug: string, want: number[]): Promise<void> {
  await waitFor(async () => {
    const dir = join(stateDir, 'backups', slug);
    const lineage = readdirSync(dir).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b)).at(-1)!;
    const out = join(scratch, `${slug}-${Date.now()}.db`);
    try {
      await run(LITESTREAM_BIN, ['restore', '-o', out, `file://${join(dir, lineage)}`]);
      const { stdout } = await run('sqlite3', [out, 'SELECT n FROM notes WHERE n > 0 ORDER BY n']);
      return JSON.stringify(stdout.split('\n').filter(Boolean).map(Number)) === JSON.stringify(want);
    } catch {
      return false;
    }
  }, { timeoutMs: 30_000, intervalMs: 250, what: `${slug}'s replica holding notes ${want[0]}..${want.at(-1)}` });
}

async function api<T>(method: string, path: string, json?: unknown): Promise<{ status: number; body: T }> {
  const res = await send(stack, session.jar, `${stack.publicUrl}${path}`, { method, ...(json !== undefined ? { json } : {}), headers: { 'x-csrf-token': session.csrfToken }, timeoutMs: 180_000 });
  return { status: res.status, body: (res.body ? JSON.parse(res.body) : {}) as T };
}

interface TableRestore { table: string; restoredAs: string; keptAs: string | null; rows: number }
interface Timeline { earliestRestorable: number | null; latestReplicated: number | null; lineages: { lineageId: number; points: number[]; snapshots: number[] }[] }

let ob: TenantTarget;
let moment = 0;

test('one table restored as it was at a moment, beside and replacing; other tables untouched; the replace undone', async () => {
  await createTenant(stack, session, 'ob1');
  await waitUntilServing(stack, session, 'ob1');
  ob = await tenantTarget('ob1');
  await importCsv(ob, 'notes', 'n,tag\n0,seed\n');
  await importCsv(ob, 'other', 'n,tag\n0,seed\n');
  await write(ob, 'notes', 1, 11);
  await write(ob, 'other', 1, 4);
  await replicaHolds('ob1', range(1, 11));
  moment = Date.now();
  // Litestream gives its files' times to the second (`litestream ltx` prints RFC 3339 seconds),
  // so the timeline's points are seconds: the writes after the moment go in the next second, or
  // a fast run could put every file in one second and the timeline would show a single point.
  await waitFor(() => Math.floor(Date.now() / 1000) > Math.floor(moment / 1000), { timeoutMs: 2000, intervalMs: 20, what: 'the second after the moment' });
  await write(ob, 'notes', 11, 21);
  await write(ob, 'other', 4, 6);
  await replicaHolds('ob1', range(1, 21));

  const at = new Date(moment).toISOString();
  const beside = await api<TableRestore>('POST', '/api/v1/tenants/ob1/backups/restore-table', { table: 'notes', at, mode: 'beside' });
  assert.equal(beside.status, 200, JSON.stringify(beside.body));
  assert.match(beside.body.restoredAs, /^notes_restored_\d{12}$/);
  assert.deepEqual(await ns(ob, beside.body.restoredAs), range(1, 11));
  assert.deepEqual(await ns(ob, 'notes'), range(1, 21), 'beside: the current table is unchanged');
  assert.deepEqual(await ns(ob, 'other'), range(1, 6), 'other tables untouched');

  const replace = await api<TableRestore>('POST', '/api/v1/tenants/ob1/backups/restore-table', { table: 'notes', at, mode: 'replace' });
  assert.equal(replace.status, 200, JSON.stringify(replace.body));
  assert.deepEqual(await ns(ob, 'notes'), range(1, 11));
  assert.match(replace.body.keptAs!, /^notes_replaced_\d{12}$/);
  assert.deepEqual(await ns(ob, replace.body.keptAs!), range(1, 21), 'the replaced table is kept');
  assert.deepEqual(await ns(ob, 'other'), range(1, 6), 'other tables untouched');

  const missing = await api<{ error: { code: string } }>('POST', '/api/v1/tenants/ob1/backups/restore-table', { table: 'nope', at, mode: 'replace' });
  assert.equal(missing.status, 404);
  assert.deepEqual(await ns(ob, 'notes'), range(1, 11), 'a failed restore changes nothing');

  const undo = await api<{ restoredKeptAs: string }>('POST', '/api/v1/tenants/ob1/backups/undo-table', { table: 'notes', keptAs: replace.body.keptAs });
  assert.equal(undo.status, 200, JSON.stringify(undo.body));
  assert.deepEqual(await ns(ob, 'notes'), range(1, 21));
  assert.deepEqual(await ns(ob, undo.body.restoredKeptAs), range(1, 11));

  const activity = await runSql(ob, "SELECT count(*) FROM _berth_activity WHERE action = 'table.restore'").catch(() => null);
  if (activity) assert.equal(Number(activity.rows[0]![0]), 3);
  const audit = (await run('sqlite3', [join(stateDir, 'berth.db'), "SELECT count(*) FROM audit_log WHERE action IN ('tenant.restore-table', 'tenant.undo-restore-table')"])).stdout.trim();
  assert.equal(audit, '3');
});

test('the timeline lists restorable points from before the moment to the latest', async () => {
  const r = await api<Timeline>('GET', '/api/v1/tenants/ob1/backups');
  assert.equal(r.status, 200);
  assert.ok(r.body.earliestRestorable !== null && r.body.earliestRestorable <= moment, JSON.stringify(r.body).slice(0, 300));
  assert.ok(r.body.latestReplicated !== null && r.body.latestReplicated >= moment - 1000);
  const points = r.body.lineages.flatMap((l) => l.points);
  assert.ok(points.length >= 2, `points: ${points.length}`);
  assert.ok(r.body.lineages.some((l) => l.snapshots.length >= 1), 'a snapshot is listed');
});

test('the download is a valid SQLite file with the rows, and the copy does not stay on the volume', async () => {
  const file = join(scratch, 'download.sqlite');
  const res = await new Promise<{ status: number; type: string; body: Buffer }>((resolve, reject) => {
    const cookie = session.jar.header(`${stack.publicUrl}/`);
    https.get(`${stack.publicUrl}/api/v1/tenants/ob1/database`, { agent: stack.agent, headers: cookie ? { cookie } : {} }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  assert.equal(res.status, 200, res.body.toString('utf8').slice(0, 300));
  assert.equal(res.type, 'application/vnd.sqlite3');
  assert.equal(res.body.subarray(0, 16).toString('latin1'), 'SQLite format 3\u0000');
  writeFileSync(file, res.body);
  assert.equal((await run('sqlite3', [file, 'PRAGMA integrity_check'])).stdout.trim(), 'ok');
  assert.equal((await run('sqlite3', [file, 'SELECT count(*) FROM notes WHERE n > 0'])).stdout.trim(), '20');
  const mount = (await run('docker', ['volume', 'inspect', '-f', '{{.Mountpoint}}', `berth-${stack.instance}-ob1`])).stdout.trim();
  await waitFor(() => readdirSync(mount).every((n) => !n.startsWith('.berth-download-')), { timeoutMs: 10_000, intervalMs: 100, what: 'the download copy removed' });
});

test("a purge leaves a deleted tenant's backups alone inside the retention window, and says so", async () => {
  await createTenant(stack, session, 'ob2');
  await waitUntilServing(stack, session, 'ob2');
  await waitFor(() => existsSync(join(stateDir, 'backups', 'ob2')), { timeoutMs: 30_000, intervalMs: 200, what: 'ob2 replicated' });
  const del = await send(stack, session.jar, `${stack.publicUrl}/api/v1/tenants/ob2`, { method: 'DELETE', headers: { 'x-csrf-token': session.csrfToken } });
  assert.ok(del.status < 300, `delete: ${del.status} ${del.body.slice(0, 200)}`);
  await waitFor(async () => (await run('sqlite3', [join(stateDir, 'berth.db'), "SELECT count(*) FROM backup_lineages WHERE slug = 'ob2' AND ended_at IS NULL"])).stdout.trim() === '0',
    { timeoutMs: 30_000, intervalMs: 200, what: "ob2's lineage ended" });
  const token = readFileSync(join(stateDir, 'operator.token'), 'utf8').trim();
  const purge = async (body: unknown) => {
    const res = await fetch(`${stack.cpUrl}/api/v1/backups/purge`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { purged?: unknown[]; error?: { code: string } } };
  };
  const inside = await purge({ olderThanHours: 1 });
  assert.equal(inside.status, 422, 'a window shorter than the retention is refused');
  const r = await purge({});
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.purged, []);
  assert.ok(existsSync(join(stateDir, 'backups', 'ob2')), "the deleted tenant's backups stay");
});

test('the backups page in Chromium: timeline, restore a table through the form, screenshots', async () => {
  chromium = await launchBrowser(stack.caPath);
  const context = await chromium.browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const cookieHeader = session.jar.header(`${stack.publicUrl}/`) ?? '';
  await context.addCookies(cookieHeader.split('; ').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    return { name: kv.slice(0, i), value: kv.slice(i + 1), url: stack.publicUrl };
  }));
  const page = await context.newPage();
  await gotoPage(page, `${stack.publicUrl}/instances/ob1`);
  await page.getByTestId('backups-ob1').click();
  await page.waitForURL(/\/instances\/ob1\/backups$/);
  assert.notEqual(await page.getByTestId('latest-replicated').textContent(), '—');
  assert.ok(await page.getByTestId('timeline-svg').isVisible());
  await page.screenshot({ path: join(SHOTS, 'backups-page.png'), fullPage: true });

  await submitAndWait(page, async () => {
    await page.fill('#rt-table', 'other');
    await page.fill('#rt-at', new Date(moment).toISOString());
    await page.check('input[name="mode"][value="replace"]');
    await page.click('[data-testid="restore-table-form"] button[type="submit"]');
  }, /\/backups\/restore-table$/);
  const notice = await page.getByTestId('notice').textContent();
  // A submission aborted by a host network change but carried out, then made again, replaced
  // the table twice: the second copy kept gets a numbered suffix.
  assert.match(notice ?? '', /kept as “other_replaced_\d{12}(_\d+)?”/);
  assert.ok(await page.getByTestId('undo-table').isVisible());
  await page.screenshot({ path: join(SHOTS, 'backups-table-restored.png'), fullPage: true });
  assert.deepEqual(await ns(ob, 'other'), range(1, 4));
  await context.close();
});

test('the owner restores the whole instance to a moment and undoes it (API), and restores it again through the page (Chromium)', async () => {
  const before = await ns(ob, 'notes');
  const at = new Date(moment).toISOString();
  const r = await api<{ mode: string; kept: string; newLineage: number }>('POST', '/api/v1/tenants/ob1/backups/restore', { at });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.mode, 'at');
  ob = await tenantTarget('ob1');
  assert.deepEqual(await ns(ob, 'notes'), range(1, 11), "the instance serves that moment's rows");
  const undo = await api<{ mode: string }>('POST', '/api/v1/tenants/ob1/backups/restore', { undo: true });
  assert.equal(undo.status, 200, JSON.stringify(undo.body));
  ob = await tenantTarget('ob1');
  assert.deepEqual(await ns(ob, 'notes'), before, 'the database the restore replaced is back');

  const context = await chromium!.browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const cookieHeader = session.jar.header(`${stack.publicUrl}/`) ?? '';
  await context.addCookies(cookieHeader.split('; ').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    return { name: kv.slice(0, i), value: kv.slice(i + 1), url: stack.publicUrl };
  }));
  const page = await context.newPage();
  await gotoPage(page, `${stack.publicUrl}/instances/ob1/backups`);
  // A wrong confirmation changes nothing and says why.
  await submitAndWait(page, async () => {
    await page.fill('#ri-at', at);
    await page.fill('#ri-confirm', 'ob2');
    await page.click('[data-testid="restore-instance-form"] button[value="restore"]');
  }, /\/backups\/restore$/);
  assert.match((await page.getByTestId('form-error').textContent()) ?? '', /Type ob1 exactly/);
  await page.screenshot({ path: join(SHOTS, 'backups-instance-refused.png'), fullPage: true });
  assert.deepEqual(await ns(ob, 'notes'), before);
  // From the page again, and one submission only: the restore starts a container, and the host
  // network change that brings can abort Chromium's wait for the answer while the restore goes on
  // in the control plane. Submitting again would start a second restore (refused as already
  // under way, and aborted the same way: three in a row failed a CI run), so an aborted answer
  // is followed by the outcome itself, on the instance and on the page loaded again.
  await gotoPage(page, `${stack.publicUrl}/instances/ob1/backups`);
  let aborted = false;
  page.on('requestfailed', (req) => {
    if (req.isNavigationRequest() && req.failure()?.errorText.includes('ERR_NETWORK_CHANGED')) aborted = true;
  });
  await page.fill('#ri-at', at);
  await page.fill('#ri-confirm', 'ob1');
  await page.click('[data-testid="restore-instance-form"] button[value="restore"]');
  const outcome = await waitFor(() => (/\/backups\/restore$/.test(page.url()) ? 'answered' : aborted ? 'aborted' : undefined),
    { timeoutMs: 180_000, intervalMs: 100, what: "the restore form's answer" });
  if (outcome === 'answered') {
    const answer = page.getByTestId('notice');
    await answer.waitFor({ timeout: 180_000 });
    assert.match((await answer.textContent()) ?? '', /serves its database as of/);
  } else {
    process.stderr.write('warning: the restore form\'s answer was aborted by a host network change (Docker); checking the outcome instead\n');
  }
  await waitFor(async () => {
    ob = await tenantTarget('ob1');
    return JSON.stringify(await ns(ob, 'notes')) === JSON.stringify(range(1, 11));
  }, { timeoutMs: 120_000, intervalMs: 500, what: "ob1 serving the moment's rows after the page's restore" });
  if (outcome === 'aborted') await gotoPage(page, `${stack.publicUrl}/instances/ob1/backups`);
  await page.screenshot({ path: join(SHOTS, 'backups-instance-restored.png'), fullPage: true });
  await context.close();
});
