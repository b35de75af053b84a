// The prober against a real HTTP server on loopback (standing in for a tenant container).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProber, type ReadinessView } from '../../../src/probe/prober.js';
import { probeHttp } from '../../../src/probe/http-probe.js';

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function fakeTenant() {
  let heartbeat = 200;
  let listening = false;
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url!);
    res.statusCode = req.url === '/__heartbeat__' ? heartbeat : 200;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  listening = true;
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    setHeartbeat: (s: number) => (heartbeat = s),
    close: () => listening && new Promise<void>((r) => server.close(() => r())),
  };
}

test('probeHttp: 200 is ok; other statuses and refused connections are not', async () => {
  const t = await fakeTenant();
  try {
    assert.deepEqual(await probeHttp('127.0.0.1', t.port, '/__heartbeat__', 500), { ok: true, detail: 'HTTP 200' });
    t.setHeartbeat(503);
    assert.deepEqual(await probeHttp('127.0.0.1', t.port, '/__heartbeat__', 500), { ok: false, detail: 'HTTP 503' });
  } finally {
    await t.close();
  }
  const refused = await probeHttp('127.0.0.1', t.port, '/__heartbeat__', 500);
  assert.equal(refused.ok, false);
  assert.equal(refused.detail, 'ECONNREFUSED');
});

test('probeHttp reuses one connection per container, and a restarted server is reached afresh', async () => {
  let connections = 0;
  const serve = (port: number) => {
    const server = http.createServer((req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    return new Promise<http.Server>((r) => server.listen(port, '127.0.0.1', () => r(server)));
  };
  let server = await serve(0);
  const port = (server.address() as AddressInfo).port;
  try {
    for (let i = 0; i < 3; i++) assert.deepEqual(await probeHttp('127.0.0.1', port, '/__heartbeat__', 500), { ok: true, detail: 'HTTP 200' });
    assert.equal(connections, 1, 'three probes, one connection');
    // The process behind the address is replaced: its sockets close with it.
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    server = await serve(port);
    assert.deepEqual(await probeHttp('127.0.0.1', port, '/__heartbeat__', 500), { ok: true, detail: 'HTTP 200' });
    assert.equal(connections, 2);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a watched container becomes ready within a few fast polls, and falls out after repeated failures', async () => {
  const t = await fakeTenant();
  const changes: [string, ReadinessView['state']][] = [];
  const ac = new AbortController();
  const prober = createProber({ intervalMs: 100, readyTimeoutMs: 2000, port: t.port, onChange: (id, v) => changes.push([id, v.state]) });
  const running = prober.run(ac.signal);
  try {
    const started = Date.now();
    prober.watch({ id: 'a', ip: '127.0.0.1' });
    await until(() => prober.readiness('a').state === 'ready');
    assert.ok(Date.now() - started < 500, 'ready quickly');

    t.setHeartbeat(500);
    await until(() => prober.readiness('a').state === 'not-ready');
    assert.match(prober.readiness('a').detail, /__heartbeat__ HTTP 500; \/__lbheartbeat__ HTTP 200/);
    t.setHeartbeat(200);
    await until(() => prober.readiness('a').state === 'ready');
    assert.deepEqual(changes, [['a', 'ready'], ['a', 'not-ready'], ['a', 'ready']]);

    prober.invalidate('a');
    // A container known to have died is not-ready (not 'unknown') until it answers again.
    assert.equal(prober.readiness('a').state, 'not-ready');
    await until(() => prober.readiness('a').state === 'ready');
  } finally {
    ac.abort();
    await running;
    await t.close();
  }
});

test('a container that never answers is reported not ready after the ready timeout', async () => {
  const ac = new AbortController();
  const t = await fakeTenant();
  const port = t.port;
  await t.close();
  const prober = createProber({ intervalMs: 100, readyTimeoutMs: 200, port, onChange: () => {} });
  const running = prober.run(ac.signal);
  try {
    prober.watch({ id: 'b', ip: '127.0.0.1' });
    await until(() => prober.readiness('b').state === 'not-ready');
    assert.match(prober.readiness('b').detail, /not ready after 200 ms: ECONNREFUSED/);
  } finally {
    ac.abort();
    await running;
  }
});

test('setTargets drops containers no longer observed, but not ones watched after the observation', async () => {
  const prober = createProber({ intervalMs: 1000, readyTimeoutMs: 1000, onChange: () => {} });
  const tick = () => new Promise((r) => setTimeout(r, 5));
  prober.setTargets([{ id: 'old', ip: '10.0.0.1' }], Date.now());
  await tick();
  const observedAt = Date.now();
  await tick();
  prober.watch({ id: 'new', ip: '10.0.0.2' });
  prober.setTargets([], observedAt);
  assert.equal(prober.readiness('old').detail, 'not probed');
  assert.equal(prober.readiness('new').detail, 'not probed yet');
});

test('established probes fall on slot boundaries of the clock: containers ready at different moments share wake-ups, each probed once per interval', async () => {
  const SLOT = 200;
  const INTERVAL = 400;
  const hits: { at: number; addr: string }[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ at: Date.now(), addr: req.socket.localAddress!.replace(/^::ffff:/, '') });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  const port = (server.address() as AddressInfo).port;
  const ac = new AbortController();
  const prober = createProber({ intervalMs: INTERVAL, slotMs: SLOT, readyTimeoutMs: 2000, port, onChange: () => {} });
  const running = prober.run(ac.signal);
  const addrs = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
  try {
    for (const [i, ip] of addrs.entries()) {
      prober.watch({ id: `c${i}`, ip });
      await until(() => prober.readiness(`c${i}`).state === 'ready');
      await new Promise((r) => setTimeout(r, 37 + 29 * i)); // ready at unrelated phases
    }
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 5 * INTERVAL));
    for (const ip of addrs) {
      const times = hits.filter((h) => h.addr === ip && h.at >= from).map((h) => h.at);
      // Once per interval over five intervals (a slot's rounding moves one by at most half a slot).
      assert.ok(times.length >= 4 && times.length <= 6, `${ip}: ${times.length} probes`);
      for (const at of times) {
        const off = Math.min(at % SLOT, SLOT - (at % SLOT));
        assert.ok(off < 60, `${ip} probed ${off} ms off a slot boundary`);
      }
    }
  } finally {
    ac.abort();
    await running;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
