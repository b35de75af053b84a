// Every read from a tenant is bounded in bytes and total time. Real local servers play a
// hostile tenant: one streams a body forever, one trickles a byte at a time (which an idle
// timeout never catches). Each client the control plane uses against tenants must fail with a
// named error, hang up (the server sees the close), and keep the process's memory flat.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { waitFor } from '@berth/common/wait-for';
import { BerthError } from '../../../src/errors.js';
import { BoundedReadError, boundedRequest } from '../../../src/http-client/bounded-request.js';
import { probeHttp } from '../../../src/probe/http-probe.js';
import { createEdgeProber } from '../../../src/rollout/edge-probe.js';
import { createTenantAppClient, TENANT_ANSWER_MAX_BYTES } from '../../../src/rollout/tenant-app-client.js';

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Bytes written per connection, and how many connections the client closed. */
interface Hostile { port: number; sentPerConnection: number[]; closed: number; server: http.Server }

/** Answers 200 and then writes as fast as the client reads, until the client hangs up. */
function endless(res: http.ServerResponse, stats: Hostile, index: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const pump = () => {
    while (!res.destroyed && res.write(CHUNK)) stats.sentPerConnection[index]! += CHUNK.length;
  };
  res.on('drain', pump);
  pump();
}

/** Answers 200 and then one byte every 20 ms, forever: never idle, never done. */
function trickle(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write(' '), 20);
  res.on('close', () => clearInterval(timer));
}

function track(server: http.Server, stats: Hostile): void {
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      stats.closed++;
    });
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function hostile(mode: (req: http.IncomingMessage) => 'endless' | 'trickle', make = () => http.createServer()): Hostile {
  const stats: Hostile = { port: 0, sentPerConnection: [], closed: 0, server: make() };
  stats.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const index = stats.sentPerConnection.push(0) - 1;
    if (mode(req) === 'endless') endless(res, stats, index);
    else trickle(res);
  });
  track(stats.server, stats);
  return stats;
}

let plain: Hostile;
let tls: Hostile;
let certDir: string;
before(async () => {
  plain = hostile((req) => (req.url?.includes('trickle') ? 'trickle' : 'endless'));
  plain.port = await listen(plain.server);
  certDir = mkdtempSync(join(tmpdir(), 'berth-bounded-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=x.berth.localhost',
    '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  const options = { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) };
  tls = hostile(() => 'endless', () => https.createServer(options));
  tls.port = await listen(tls.server);
});
after(async () => {
  await Promise.all([plain, tls].map((h) => new Promise((resolve) => h.server.close(resolve))));
  rmSync(certDir, { recursive: true, force: true });
});

// Without bounds these calls never settle; the timeout turns that into a failure.
const bounded = { timeout: 30_000 };

const closedAll = (h: Hostile) =>
  waitFor(() => h.closed === h.sentPerConnection.length, { timeoutMs: 5000, what: 'the client to close every connection' });

test('an endless body fails with too-large as soon as the limit is passed, 30 times without memory growth', bounded, async () => {
  const start = process.memoryUsage().rss;
  for (let i = 0; i < 30; i++) {
    await assert.rejects(
      boundedRequest({ host: '127.0.0.1', port: plain.port, path: '/endless', agent: false, maxBytes: 256 * 1024, deadlineMs: 30_000 }),
      (err: unknown) => err instanceof BoundedReadError && err.kind === 'too-large' && /limit 262144/.test(err.message),
    );
  }
  const grownMiB = (process.memoryUsage().rss - start) / 1048576;
  assert.ok(grownMiB < 64, `rss grew ${grownMiB.toFixed(1)} MiB over 30 endless answers`);
  // What the server got out before the hang-up is the limit plus what loopback buffers hold.
  for (const sent of plain.sentPerConnection) assert.ok(sent < 32 * 1048576, `server wrote ${sent} bytes on one connection`);
  await closedAll(plain);
});

test('a trickled body fails with deadline (the total time counts, not idleness)', bounded, async () => {
  await assert.rejects(
    boundedRequest({ host: '127.0.0.1', port: plain.port, path: '/trickle', agent: false, maxBytes: 1048576, deadlineMs: 300 }),
    (err: unknown) => err instanceof BoundedReadError && err.kind === 'deadline' && err.name === 'BoundedReadError',
  );
  await closedAll(plain);
});

test('the tenant app client (state, drain, snapshot) fails with ROLLOUT_FAILED naming the limit or the deadline', bounded, async () => {
  const client = createTenantAppClient(plain.port);
  for (const call of [() => client.state('127.0.0.1'), () => client.drain('127.0.0.1'), () => client.snapshot('127.0.0.1', 3, 'test')]) {
    await assert.rejects(call(), (err: unknown) => err instanceof BerthError && err.code === 'ROLLOUT_FAILED' && err.message.includes(`limit ${TENANT_ANSWER_MAX_BYTES}`));
  }
  // The app's paths are fixed, so the trickle gets a server of its own.
  const slow = hostile(() => 'trickle');
  slow.port = await listen(slow.server);
  try {
    await assert.rejects(createTenantAppClient(slow.port).state('127.0.0.1'), (err: unknown) => err instanceof BerthError && /no complete answer within 2000 ms/.test(err.message));
  } finally {
    await new Promise((resolve) => slow.server.close(resolve));
  }
  await closedAll(plain);
});

test('the readiness probe reports an endless answer as too large and a trickle as a timeout', bounded, async () => {
  const endlessProbe = await probeHttp('127.0.0.1', plain.port, '/__heartbeat__', 5000);
  assert.equal(endlessProbe.ok, false);
  assert.match(endlessProbe.detail, /answer too large/);
  assert.deepEqual(await probeHttp('127.0.0.1', plain.port, '/__heartbeat__?trickle', 300), { ok: false, detail: 'timeout' });
});

test('the edge probe through TLS fails with ROLLOUT_FAILED on an endless answer', bounded, async () => {
  const probe = createEdgeProber({ domain: 'berth.localhost', publicHttpsPort: tls.port });
  await assert.rejects(probe('x', 'a'.repeat(64), { timeoutMs: 5000 }), (err: unknown) => err instanceof BerthError && err.code === 'ROLLOUT_FAILED' && /answer too large/.test(err.message));
  await closedAll(tls);
});
