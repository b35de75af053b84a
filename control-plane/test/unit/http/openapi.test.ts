import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS } from '../../../src/errors.js';
import { API_PREFIX } from '../../../src/http/openapi.js';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await t.app.ready();
});
after(() => t.close());

/** API routes as Fastify itself lists them (its route tree), not as the generator collected them. */
function apiRoutesFromFastify(): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([\s│├└─]*)(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const url = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = url;
    if (!url.startsWith(API_PREFIX)) continue;
    for (const method of m[3]!.split(',').map((x) => x.trim())) if (method !== 'HEAD') out.push({ method: method.toLowerCase(), url });
  }
  return out;
}

test('every error code has a status and help text', () => {
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.match(code, /^[A-Z_]+$/);
    assert.ok(e.status >= 400 && e.status < 600, code);
    assert.ok(e.help.length >= 15 && /[.)]$/.test(e.help), `${code} needs a help sentence`);
  }
});

test('every API route has a schema (with responses) and appears in /openapi.json', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  const registered = apiRoutesFromFastify();
  assert.ok(registered.length >= 12, `found ${registered.length} API routes`);
  for (const r of registered) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = doc.paths[path]?.[r.method];
    assert.ok(op, `${r.method.toUpperCase()} ${r.url} missing from /openapi.json`);
    assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${r.url}: no success response schema`);
    assert.ok(op.summary, `${r.url}: no summary`);
    if (['post', 'delete'].includes(r.method)) assert.ok(Object.keys(op.responses).some((s) => s.startsWith('4')), `${r.url}: no error schema`);
  }
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.ok(doc['x-error-codes'].some((x: { code: string; status: number }) => x.code === code && x.status === e.status), code);
  }
});

test('errors use the one envelope with a catalogued code', async () => {
  for (const [method, url] of [['GET', '/api/v1/tenants'], ['GET', '/api/v1/nope'], ['POST', '/api/v1/tenants']] as const) {
    const res = await t.app.inject({ method, url, payload: method === 'POST' ? { wrong: 1 } : undefined });
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['error'], url);
    assert.ok(body.error.code in ERRORS, body.error.code);
    assert.equal(res.statusCode, ERRORS[body.error.code as keyof typeof ERRORS].status);
  }
});
