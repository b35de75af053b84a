// The waker's forwarding (http/wake-proxy.ts) over real sockets: a Fastify scope set up as the
// waker's (the body left unparsed) in front of a plain HTTP server standing for a tenant.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { forwardToUpstream } from '../../../src/http/wake-proxy.js';

let tenant: http.Server;
let tenantUrl = '';
let closedPort = 0;
let app: FastifyInstance;
let appUrl = '';

before(async () => {
  tenant = http.createServer((req, res) => {
    if (req.url === '/hang-up') return req.socket.destroy();
    if (req.url === '/half') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'], 'keep-alive': 'timeout=5', 'x-tenant': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  await new Promise<void>((r) => tenant.listen(0, '127.0.0.1', () => r()));
  tenantUrl = `http://127.0.0.1:${(tenant.address() as AddressInfo).port}`;
  // A port nothing listens on: bound, then closed.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));

  app = Fastify();
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.all('/to/:where/*', async (req, reply) => {
      const { where } = req.params as { where: string };
      const upstream = where === 'closed' ? `http://127.0.0.1:${closedPort}` : tenantUrl;
      const path = req.url.slice(`/to/${where}`.length);
      if ((await forwardToUpstream(req, reply, upstream, path)) === 'unreachable') {
        // What the waker does then: the request is still whole, so a 307 can send the client back.
        let unread = 0;
        for await (const chunk of req.raw) unread += (chunk as Buffer).length;
        return reply.status(307).header('location', path).send({ unreadBodyBytes: unread });
      }
      return reply;
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  appUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
  await new Promise<void>((r) => tenant.close(() => r()));
});

test('a GET is forwarded with its path, query and end-to-end headers; the answer comes back whole', async () => {
  // node:http rather than fetch, which will not send a Connection header of the caller's.
  const res = await new Promise<http.IncomingMessage & { text: string }>((resolve, reject) => {
    const req = http.get(`${appUrl}/to/tenant/api/tables?from=asleep&n=2`, {
      headers: { 'x-berth-user-id': '7', 'x-forwarded-for': '203.0.113.9', 'x-custom': 'hop', connection: 'keep-alive, x-custom' },
    }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (text += d));
      r.on('end', () => resolve(Object.assign(r, { text })));
    });
    req.on('error', reject);
  });
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers['x-tenant'], 'yes');
  assert.deepEqual(res.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
  assert.notEqual(res.headers['keep-alive'], 'timeout=5', "the tenant's hop-by-hop headers stay behind (the waker's own connection has its own)");
  const seen = JSON.parse(res.text) as { method: string; url: string; headers: Record<string, string> };
  assert.equal(seen.method, 'GET');
  assert.equal(seen.url, '/api/tables?from=asleep&n=2');
  assert.equal(seen.headers['x-berth-user-id'], '7', 'the identity ForwardAuth added reaches the tenant');
  assert.equal(seen.headers['x-forwarded-for'], '203.0.113.9');
  assert.equal(seen.headers['x-custom'], undefined, 'a header the Connection header names is hop-by-hop');
  assert.match(seen.headers.host ?? '', /^127\.0\.0\.1:/, 'the Host the client asked for is kept');
});

test('a POST body is streamed to the tenant, however large', async () => {
  const body = 'x'.repeat(3 << 20);
  const res = await fetch(`${appUrl}/to/tenant/api/uploads`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
  assert.equal(res.status, 201);
  const seen = (await res.json()) as { method: string; body: string; headers: Record<string, string> };
  assert.equal(seen.method, 'POST');
  assert.equal(seen.body.length, body.length);
  assert.equal(seen.headers['content-type'], 'text/csv');
});

test('an address that does not answer leaves the request whole for the 307', async () => {
  const res = await fetch(`${appUrl}/to/closed/api/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sql":"select 1"}', redirect: 'manual' });
  assert.equal(res.status, 307);
  assert.equal(res.headers.get('location'), '/api/sql');
  assert.deepEqual(await res.json(), { unreadBodyBytes: 18 });
});

test('a tenant that hangs up before answering gives 502 UPSTREAM_FAILED; one that breaks off mid-answer, a broken answer', async () => {
  const res = await fetch(`${appUrl}/to/tenant/hang-up`);
  assert.equal(res.status, 502);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UPSTREAM_FAILED');
  const half = await fetch(`${appUrl}/to/tenant/half`);
  assert.equal(half.status, 200);
  await assert.rejects(half.text(), 'the client sees the answer cut short, not a complete one');
});
