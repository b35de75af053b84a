import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTML, seedPeople, session, startTestApp } from '../support/test-app.js';

type Row = Record<string, unknown> & { rowid: number };

async function walk(app: Awaited<ReturnType<typeof startTestApp>>['app'], query: string, size = 4): Promise<Row[]> {
  const seen: Row[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const url: string = `/api/tables/people/rows?size=${size}${query}${after ? `&after=${after}` : ''}`;
    const res = await app.inject({ url, headers: session() });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    seen.push(...body.rows);
    after = body.next;
    if (!after) return seen;
  }
  throw new Error('pagination did not end');
}

test('keyset pagination visits every row exactly once, in order, for every sort', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  seedPeople(ta.db, 37);
  const all = ta.db.prepare('SELECT rowid, * FROM people').all() as Row[];
  // NULLs last in both directions (missing values never lead a sorted column).
  const cmp = (col: string, desc: boolean) => (a: Row, b: Row) => {
    const rank = (v: unknown) => (v === null ? 0 : typeof v === 'number' ? 1 : 2);
    const va = a[col];
    const vb = b[col];
    if ((va === null) !== (vb === null)) return va === null ? 1 : -1;
    let c = rank(va) - rank(vb);
    if (c === 0 && va !== null) c = (va as number | string) < (vb as number | string) ? -1 : (va as number | string) > (vb as number | string) ? 1 : 0;
    if (c === 0) c = a.rowid - b.rowid;
    return desc ? -c : c;
  };
  assert.deepEqual((await walk(ta.app, '')).map((r) => r.rowid), all.map((r) => r.rowid));
  assert.deepEqual((await walk(ta.app, '&desc=1')).map((r) => r.rowid), all.map((r) => r.rowid).reverse());
  for (const col of ['age', 'city', 'name', 'score']) {
    for (const desc of [false, true]) {
      const got = await walk(ta.app, `&sort=${col}${desc ? '&desc=1' : ''}`, 5);
      const want = [...all].sort(cmp(col, desc));
      assert.deepEqual(got.map((r) => r.rowid), want.map((r) => r.rowid), `${col} ${desc ? 'desc' : 'asc'}`);
    }
  }
});

test('filters combine; facets count; search finds; bad input is a 4xx with the envelope', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  seedPeople(ta.db, 40);
  const rows = async (q: string) => (await ta.app.inject({ url: `/api/tables/people/rows?size=1000${q}`, headers: session() })).json();
  const count = (sql: string) => ta.db.prepare(`SELECT count(*) FROM people WHERE ${sql}`).pluck().get() as number;
  assert.equal((await rows('&fc=city&fo=eq&fv=Oslo')).total, count("city = 'Oslo'"));
  assert.equal((await rows('&fc=city&fo=ne&fv=Oslo')).total, count("city IS NULL OR city <> 'Oslo'"));
  assert.equal((await rows('&fc=name&fo=contains&fv=son 1')).total, count("name LIKE '%son 1%'"));
  assert.equal((await rows('&fc=age&fo=gt&fv=25')).total, count('age > 25'));
  assert.equal((await rows('&fc=age&fo=lt&fv=9')).total, 0, 'numeric comparison, not text');
  assert.equal((await rows('&fc=city&fo=empty')).total, count("city IS NULL OR city = ''"));
  assert.equal((await rows('&fc=city&fo=notempty&fv=&fc=age&fo=gt&fv=24')).total, count("city IS NOT NULL AND city <> '' AND age > 24"));
  assert.equal((await rows('&fc=name&fo=contains&fv=%25')).total, 0, 'LIKE wildcards are literal');

  const facet = (await rows('&facet=city&fc=age&fo=gt&fv=21')).facets[0];
  const want = ta.db.prepare('SELECT city AS value, count(*) AS count FROM people WHERE age > 21 GROUP BY city ORDER BY count DESC, value').all();
  assert.deepEqual(facet.values, want);

  // Without an index: every word must appear in some column (LIKE, case-insensitive).
  const found = await rows('&q=pune person');
  assert.equal(found.total, count("city = 'Pune'"));
  assert.ok(found.rows.every((r: Row) => r.city === 'Pune'));

  // An FTS5 index named like the import module's is used when present.
  ta.db.exec(`CREATE VIRTUAL TABLE "_berth_fts_people" USING fts5(name, city, content='people', content_rowid='rowid'); INSERT INTO "_berth_fts_people"("_berth_fts_people") VALUES ('rebuild');`);
  const fts = await rows('&q=lim');
  assert.equal(fts.total, count("city = 'Lima'"));
  assert.equal((await rows('&q=' + encodeURIComponent('"unbalanced AND ('))).total, 0, 'user text is never FTS syntax');

  for (const [q, code] of [['&sort=nope', 'VALIDATION_FAILED'], ['&fc=nope&fo=eq&fv=1', 'VALIDATION_FAILED'], ['&fc=age&fo=like&fv=1', 'BAD_REQUEST'], ['&after=garbage', 'BAD_REQUEST'], ['&size=0', 'BAD_REQUEST']] as const) {
    const res = await ta.app.inject({ url: `/api/tables/people/rows?${q}`, headers: session() });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, q);
    assert.equal(res.json().error.code, code, q);
  }
  const missing = await ta.app.inject({ url: '/api/tables/_berth_api_tokens/rows', headers: session() });
  assert.equal(missing.statusCode, 404, 'internal tables are not browsable');
});

test('table list, row, chart data and pages; all text escaped', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  seedPeople(ta.db, 30);
  ta.db.exec(`CREATE TABLE "<script>alert(1)</script>" ("<img src=x onerror=alert(1)>" TEXT); INSERT INTO "<script>alert(1)</script>" VALUES ('<b>bold</b>');`);
  // The tables Litestream keeps in every database it replicates are not the user's.
  ta.db.exec('CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER); CREATE TABLE _litestream_lock (id INTEGER);');
  const list = (await ta.app.inject({ url: '/api/tables', headers: session() })).json().tables;
  assert.deepEqual(list.map((x: { name: string; rows: number }) => [x.name, x.rows]), [['<script>alert(1)</script>', 1], ['people', 30]]);
  assert.equal((await ta.app.inject({ url: '/api/tables/_litestream_seq/rows', headers: session() })).statusCode, 404);

  const row = (await ta.app.inject({ url: '/api/tables/people/rows/3', headers: session() })).json();
  assert.equal(row.name, 'person 3');
  assert.equal((await ta.app.inject({ url: '/api/tables/people/rows/999', headers: session() })).statusCode, 404);

  const hist = (await ta.app.inject({ url: '/api/tables/people/chart?col=age', headers: session() })).json();
  assert.equal(hist.kind, 'histogram');
  assert.equal(hist.bins.reduce((s: number, b: { count: number }) => s + b.count, 0) + hist.skipped, 30);
  const dates = (await ta.app.inject({ url: '/api/tables/people/chart?col=born', headers: session() })).json();
  assert.equal(dates.scale, 'date');
  const top = (await ta.app.inject({ url: '/api/tables/people/chart?col=city', headers: session() })).json();
  assert.equal(top.kind, 'top');

  const evil = encodeURIComponent('<script>alert(1)</script>');
  for (const url of ['/', `/tables/${evil}`, `/tables/${evil}/rows/1`, `/tables/${evil}/chart?col=${encodeURIComponent('<img src=x onerror=alert(1)>')}`, '/tables/people?facet=city&q=person&fc=age&fo=gt&fv=1', '/tables/people/chart?col=age', '/tables/people/chart?col=born', '/imports', '/sql']) {
    const res = await ta.app.inject({ url, headers: { ...session(), ...HTML } });
    assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
    assert.doesNotMatch(res.body, /<script>alert|<img src=x|<b>bold/, url);
    assert.doesNotMatch(res.body, /<link|src="\/|href="[^"]*\.css/, 'everything inline (F8)');
  }
  const page = await ta.app.inject({ url: '/tables/people?sort=age&desc=1&size=10', headers: { ...session(), ...HTML } });
  assert.match(page.body, /rel="next" href="\/tables\/people\?sort=age&amp;desc=1&amp;size=10&amp;after=/);
  const svg = await ta.app.inject({ url: '/tables/people/chart?col=city', headers: { ...session(), ...HTML } });
  assert.match(svg.body, /<svg [^>]*role="img"/);
  const notFound = await ta.app.inject({ url: '/tables/nope', headers: { ...session(), ...HTML } });
  assert.equal(notFound.statusCode, 404);
  assert.match(notFound.body, /class="alert error"/);
});
