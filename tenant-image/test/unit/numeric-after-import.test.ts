// Issue 14: once NA is NULL and the delay columns are INTEGER, the table behaves numerically —
// sort (NULLs last both ways, through keyset pages), range filters, the histogram, SQL avg().
// The app in-process on a real SQLite file; the file goes through upload → import as a user's would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { session, startTestApp } from '../support/test-app.js';
import { importTable } from '../support/csv-upload.js';

function flightsCsv(n: number): string {
  const lines = ['flight,dep_delay,air_time'];
  // Delays from -9 to 120 in a scrambled order; every 7th flight cancelled (NA).
  for (let i = 1; i <= n; i++) lines.push(`${i},${i % 7 === 0 ? 'NA' : ((i * 37) % 130) - 9},${i % 7 === 0 ? 'NA' : 30 + (i % 300)}`);
  return `${lines.join('\n')}\n`;
}

test('sort, range filters, histogram and avg() are numeric on a column that had NA', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  await importTable(ta, flightsCsv(200), 'flights');
  const kinds = (await ta.app.inject({ url: '/api/tables/flights', headers: session() })).json().columns.map((c: { kind: string }) => c.kind);
  assert.deepEqual(kinds, ['integer', 'integer', 'integer']);

  const want = ta.db.prepare('SELECT flight, dep_delay FROM flights').all() as { flight: number; dep_delay: number | null }[];
  const byDelay = (desc: boolean) => (a: (typeof want)[0], b: (typeof want)[0]) => {
    if ((a.dep_delay === null) !== (b.dep_delay === null)) return a.dep_delay === null ? 1 : -1;
    const c = (a.dep_delay ?? 0) - (b.dep_delay ?? 0) || a.flight - b.flight;
    return desc ? -c : c;
  };
  for (const desc of [true, false]) {
    const seen: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const url: string = `/api/tables/flights/rows?sort=dep_delay&size=17${desc ? '&desc=1' : ''}${after ? `&after=${after}` : ''}`;
      const body = (await ta.app.inject({ url, headers: session() })).json();
      seen.push(...body.rows.map((r: { flight: number }) => r.flight));
      after = body.next;
      if (!after) break;
    }
    assert.deepEqual(seen, [...want].sort(byDelay(desc)).map((r) => r.flight), `every row once, NULLs last (${desc ? 'desc' : 'asc'})`);
  }
  const top = (await ta.app.inject({ url: '/api/tables/flights/rows?sort=dep_delay&desc=1&size=1', headers: session() })).json().rows[0];
  assert.equal(top.dep_delay, 120, 'the largest delay leads, not NA');

  const count = async (q: string) => (await ta.app.inject({ url: `/api/tables/flights/rows?size=1${q}`, headers: session() })).json().total;
  assert.equal(await count('&fc=dep_delay&fo=gt&fv=100'), want.filter((r) => r.dep_delay !== null && r.dep_delay > 100).length);
  assert.equal(await count('&fc=dep_delay&fo=lt&fv=9'), want.filter((r) => r.dep_delay !== null && r.dep_delay < 9).length, '9 compared as a number ("10" < "9" as text)');
  assert.equal(await count('&fc=dep_delay&fo=empty'), 28);

  const chart = (await ta.app.inject({ url: '/api/tables/flights/chart?col=dep_delay', headers: session() })).json();
  const data = chart.chart ?? chart;
  assert.equal(data.kind, 'histogram');
  assert.equal(data.scale, 'number');
  assert.equal(data.skipped, 28, 'the NULLs are left out of the bins');
  assert.equal(data.bins[0].from, -9);
  assert.equal(data.bins.reduce((s: number, b: { count: number }) => s + b.count, 0), 172);

  const sql = (await ta.app.inject({ method: 'POST', url: '/api/sql', headers: session(), payload: { sql: 'SELECT avg(dep_delay) AS a, max(dep_delay) AS m FROM flights' } })).json();
  const nonNull = want.filter((r) => r.dep_delay !== null).map((r) => r.dep_delay!);
  assert.equal(sql.rows[0][1], 120);
  assert.ok(Math.abs(sql.rows[0][0] - nonNull.reduce((a, b) => a + b, 0) / nonNull.length) < 1e-9, 'avg over numbers, NULLs ignored');
});
