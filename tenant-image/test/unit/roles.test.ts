// Roles inside an instance, cell by cell, against the real app on a real SQLite file: every
// action of src/auth/permissions.ts through its API route (and the page forms that share the
// check), for the three roles by session and for API tokens, whose read scope makes a viewer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { uploadCsv, finishJob } from '../support/csv-upload.js';
import { bearer, HTML, session, startTestApp, type TestApp } from '../support/test-app.js';

type Who = 'owner' | 'member' | 'viewer' | 'owner write token' | 'owner read token' | 'member write token';
const WHO: Record<Who, Record<string, string>> = {
  owner: session('owner'),
  member: session('member', 'mo@example.com'),
  viewer: session('viewer', 'vi@example.com'),
  'owner write token': bearer('owner', 'write'),
  'owner read token': bearer('owner', 'read'),
  'member write token': bearer('member', 'write'),
};
const WRITERS: readonly Who[] = ['owner', 'member', 'owner write token', 'member write token'];
const OWNERS: readonly Who[] = ['owner', 'owner write token'];

interface Case {
  readonly action: string;
  readonly allowed: readonly Who[] | 'all';
  /** Runs the action on table `t` (made fresh for each case and person) and answers its response. */
  run(ta: TestApp, headers: Record<string, string>, t: string): Promise<LightMyRequestResponse>;
}

const CSV = 'a,b\n1,x\n2,y\n';
const inject = (ta: TestApp, method: string, url: string, headers: Record<string, string>, payload?: unknown) =>
  ta.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const CASES: readonly Case[] = [
  { action: 'read a table', allowed: 'all', run: (ta, h, t) => inject(ta, 'GET', `/api/tables/${t}/rows`, h) },
  { action: 'run read-only SQL', allowed: 'all', run: (ta, h, t) => inject(ta, 'POST', '/api/sql', h, { sql: `SELECT count(*) FROM "${t}"` }) },
  { action: 'export', allowed: 'all', run: (ta, h, t) => inject(ta, 'GET', `/api/tables/${t}/export.csv`, h) },
  { action: 'append rows', allowed: WRITERS, run: (ta, h, t) => inject(ta, 'POST', `/api/tables/${t}/rows`, h, { rows: [{ a: 3, b: 'z' }] }) },
  { action: 'edit a cell', allowed: WRITERS, run: (ta, h, t) => inject(ta, 'PATCH', `/api/tables/${t}/rows/1`, h, { values: { b: 'q' } }) },
  { action: 'delete a row', allowed: WRITERS, run: (ta, h, t) => inject(ta, 'DELETE', `/api/tables/${t}/rows/1`, h) },
  { action: 'upload a file', allowed: WRITERS, run: (ta, h) => inject(ta, 'POST', '/api/uploads?name=x.csv', { ...h, 'content-type': 'text/csv' }, CSV) },
  {
    action: 'import into a new table',
    allowed: WRITERS,
    run: async (ta, h, t) => inject(ta, 'POST', '/api/imports', h, { upload: await uploadCsv(ta, CSV), table: `${t}_new`, mode: 'create' }),
  },
  {
    action: 'import replacing a table',
    allowed: OWNERS,
    run: async (ta, h, t) => inject(ta, 'POST', '/api/imports', h, { upload: await uploadCsv(ta, CSV), table: t, mode: 'replace' }),
  },
  { action: 'rename a table', allowed: OWNERS, run: (ta, h, t) => inject(ta, 'POST', `/api/tables/${t}/rename`, h, { name: `${t}_renamed` }) },
  { action: 'drop a table', allowed: OWNERS, run: (ta, h, t) => inject(ta, 'DELETE', `/api/tables/${t}`, h) },
  { action: 'save a query', allowed: WRITERS, run: (ta, h, t) => inject(ta, 'POST', '/api/queries', h, { name: `q ${t}`, sql: 'SELECT 1' }) },
];

test('every cell of the roles table, through the API', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  let n = 0;
  for (const c of CASES) {
    for (const who of Object.keys(WHO) as Who[]) {
      const table = `t${n++}`;
      ta.db.exec(`CREATE TABLE "${table}" (a INTEGER, b TEXT); INSERT INTO "${table}" VALUES (1, 'x'), (2, 'y');`);
      const res = await c.run(ta, WHO[who], table);
      const allowed = c.allowed === 'all' || c.allowed.includes(who);
      if (allowed) {
        assert.ok(res.statusCode < 300, `${who} may ${c.action}: got ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (res.statusCode === 202) await finishJob(ta, res.json().job.id);
      } else {
        assert.equal(res.statusCode, 403, `${who} may not ${c.action}: got ${res.statusCode} ${res.body.slice(0, 200)}`);
        assert.equal(res.json().error.code, 'FORBIDDEN', `${who} / ${c.action}`);
        assert.equal(ta.db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get(), 2, `${who} / ${c.action}: nothing changed`);
      }
    }
  }
  assert.equal(ta.db.prepare('SELECT count(*) FROM _berth_uploads WHERE created_by = ?').pluck().get('vi@example.com'), 0, 'a viewer stored no upload');
});

test('the refusal names the role or the read scope', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  ta.db.exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);");
  const viewer = await inject(ta, 'POST', '/api/tables/t/rows', WHO.viewer, { rows: [{ a: 2 }] });
  assert.match(viewer.json().error.message, /a viewer may not append rows/);
  const token = await inject(ta, 'POST', '/api/tables/t/rows', WHO['owner read token'], { rows: [{ a: 2 }] });
  assert.match(token.json().error.message, /read scope/);
});

test('pages: a viewer gets no drop zone and their form posts are refused like the API', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  ta.db.exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);");
  const home = (who: Who) => ta.app.inject({ url: '/', headers: { ...WHO[who], ...HTML } });
  assert.match((await home('member')).body, /id="drop"/);
  const viewerHome = await home('viewer');
  assert.doesNotMatch(viewerHome.body, /id="drop"/);
  assert.match(viewerHome.body, /id="read-only"/);
  const form = { ...WHO.viewer, 'content-type': 'application/x-www-form-urlencoded' };
  assert.equal((await ta.app.inject({ method: 'POST', url: '/tables/t/rows/1/delete', headers: form, payload: '' })).statusCode, 403);
  assert.equal((await ta.app.inject({ method: 'POST', url: '/queries', headers: form, payload: 'name=x&sql=SELECT+1' })).statusCode, 403);
  const member = await uploadCsv(ta, CSV);
  assert.equal((await ta.app.inject({ method: 'POST', url: `/uploads/${member}/discard`, headers: form, payload: '' })).statusCode, 403);
  assert.equal((await ta.app.inject({ method: 'POST', url: '/imports', headers: form, payload: `upload=${member}&table=n&mode=create` })).statusCode, 403);
});
