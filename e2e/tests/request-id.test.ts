// One request followed by its id through every log it touches (issue 11, Logs): Traefik's access
// log, the control plane's ForwardAuth line and the tenant's request line carry the same
// X-Request-Id, which the client also gets back. A client's own id is kept end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { waitFor } from '@berth/common/wait-for';
import { startStack, type Stack } from '../src/stack.js';
import { createTenant, openTenant, signUp, waitUntilServing } from '../src/session.js';
import { request } from '../src/https-client.js';
import { docker } from '../src/docker-cli.js';

type Line = Record<string, unknown>;
const slug = 'traced';
let stack: Stack;
let cookie = '';

function jsonLines(text: string): Line[] {
  const out: Line[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Line);
    } catch {
      // A line being written while we read it; the next poll sees it whole.
    }
  }
  return out;
}

async function tenantLines(): Promise<Line[]> {
  const ids = (await docker('ps', '-q', '--filter', `label=berth.instance=${stack.instance}`, '--filter', `label=berth.tenant=${slug}`)).split('\n').filter(Boolean);
  const logs = await Promise.all(ids.map((id) => docker('logs', id)));
  return logs.flatMap(jsonLines);
}

/** The id's line in each of the three logs (polled: Traefik and Docker write them asynchronously). */
async function follow(id: string): Promise<{ access: Line; controlPlane: Line; tenant: Line }> {
  const access = await waitFor(() => jsonLines(readFileSync(stack.accessLog, 'utf8')).find((l) => l['request_X-Request-Id'] === id && l.RouterName === `t-${slug}@file`),
    { timeoutMs: 10_000, what: `access log line of ${id}` });
  const controlPlane = await waitFor(() => jsonLines(readFileSync(join(stack.logDir, 'control-plane.log'), 'utf8')).find((l) => l.reqId === id && l.msg === 'request'),
    { timeoutMs: 10_000, what: `control plane line of ${id}` });
  const tenant = await waitFor(async () => (await tenantLines()).find((l) => l.reqId === id && l.msg === 'request'),
    { timeoutMs: 10_000, intervalMs: 200, what: `tenant line of ${id}` });
  return { access, controlPlane, tenant };
}

before(async () => {
  stack = await startStack();
  const session = await signUp(stack, `ops-${stack.instance}@example.org`, 'correct horse battery staple');
  await createTenant(stack, session, slug);
  await waitUntilServing(stack, session, slug);
  cookie = await openTenant(stack, session, slug);
});

after(async () => {
  await stack?.stop();
});

test('one request is followed by its id from Traefik to the control plane to the tenant', async () => {
  const res = await request(`${stack.tenantUrl(slug)}/api/tables`, { agent: stack.agent, headers: { cookie, accept: 'application/json' } });
  assert.equal(res.status, 200, res.body);
  const id = res.headers['x-request-id'];
  assert.ok(typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id), `a generated request id comes back, got ${String(id)}`);

  const { access, controlPlane, tenant } = await follow(id);
  assert.equal(access.DownstreamStatus, 200);
  assert.equal(access.RequestPath, '/api/tables');

  // The control plane decided the request (ForwardAuth) and logged it in the shared shape.
  assert.equal(controlPlane.component, 'control-plane');
  assert.equal(controlPlane.route, '/auth/forward');
  assert.equal(controlPlane.status, 200);
  assert.equal(controlPlane.tenant, slug);
  assert.equal(typeof controlPlane.durationMs, 'number');

  // The tenant served it under the same id.
  assert.equal(tenant.component, 'tenant');
  assert.equal(tenant.tenant, slug);
  assert.equal(tenant.route, '/api/tables');
  assert.equal(tenant.status, 200);
  assert.equal(typeof tenant.durationMs, 'number');
  assert.equal(tenant.level, 'info');
  assert.deepEqual(Object.keys(tenant).filter((k) => !(k in controlPlane)), [], 'both apps write one line shape');
});

test("a client's own X-Request-Id is kept end to end; a malformed one is replaced", async () => {
  const mine = `client-${randomBytes(6).toString('hex')}`;
  const res = await request(`${stack.tenantUrl(slug)}/api/tables`, { agent: stack.agent, headers: { cookie, accept: 'application/json', 'x-request-id': mine } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-request-id'], mine);
  await follow(mine);

  const bad = await request(`${stack.tenantUrl(slug)}/api/tables`, { agent: stack.agent, headers: { cookie, accept: 'application/json', 'x-request-id': 'no spaces <allowed>' } });
  assert.equal(bad.status, 200);
  assert.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/);
});
