import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, requestIdOf, requestLine } from '../src/logger.js';
import { openLogFile } from '../src/log-file.js';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ component: 'test', level, destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  return { log, lines };
}

test('every line has one shape: level, time, component, msg, fields', () => {
  const { log, lines } = capture();
  log.info('hello', { tenant: 'acme' });
  log.child({ reqId: 'r1' }).warn('careful');
  log.debug('not shown');
  assert.equal(lines.length, 2);
  assert.deepEqual(Object.keys(lines[0]!).sort(), ['component', 'level', 'msg', 'tenant', 'time']);
  assert.equal(lines[0]!.level, 'info');
  assert.equal(lines[0]!.component, 'test');
  assert.match(String(lines[0]!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(lines[1]!.reqId, 'r1');
  assert.equal(lines[1]!.level, 'warn');
});

test('errors keep their stack, code and cause under any key and at any level', () => {
  const { log, lines } = capture();
  const cause = new Error('disk on fire');
  const err = Object.assign(new Error('write failed', { cause }), { code: 'EIO' });
  log.error('request failed', { err });
  log.warn('retrying', { lastError: err });
  for (const line of lines) {
    const e = (line.err ?? line.lastError) as { type: string; message: string; stack: string; code: string };
    assert.equal(e.type, 'Error');
    assert.equal(e.code, 'EIO');
    assert.match(e.stack, /write failed\n\s+at /);
    assert.match(e.stack, /caused by: Error: disk on fire/);
  }
});

test('pino lines (what Fastify writes) have the same shape', () => {
  const { log, lines } = capture();
  log.pino.child({ reqId: 'r2' }).info({ status: 200 }, 'request');
  assert.deepEqual(Object.keys(lines[0]!).sort(), ['component', 'level', 'msg', 'reqId', 'status', 'time']);
});

test('request ids: a plausible X-Request-Id is kept, anything else replaced', () => {
  assert.equal(requestIdOf({ 'x-request-id': 'abc-123' }), 'abc-123');
  for (const bad of [undefined, '', 'a b', 'x'.repeat(200), '<script>', ['a', 'b']]) {
    assert.match(requestIdOf({ 'x-request-id': bad }), /^[0-9a-f-]{36}$/);
  }
});

test('the request line drops the query string (it may carry one-time codes)', () => {
  const line = requestLine({ method: 'GET', url: '/__berth/sso?code=secret', routeOptions: { url: '/__berth/sso' } }, { statusCode: 302, elapsedTime: 1.23456 }, 'acme');
  assert.deepEqual(line, { method: 'GET', route: '/__berth/sso', path: '/__berth/sso', status: 302, durationMs: 1.23, tenant: 'acme' });
});

test('a log file rotates at its size cap and keeps the newest files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
  try {
    const path = join(dir, 'cp.log');
    const file = openLogFile({ path, maxBytes: 100, keep: 2 });
    const log = createLogger({ component: 'test', level: 'info', destination: file });
    for (let i = 0; i < 20; i++) log.info(`line ${i}`);
    file.close();
    assert.deepEqual(readdirSync(dir).sort(), ['cp.log', 'cp.log.1', 'cp.log.2']);
    const current = readFileSync(path, 'utf8');
    assert.ok(Buffer.byteLength(current) <= 100 || current.split('\n').length === 2, 'only a single oversized line may pass the cap');
    assert.match(current, /"msg":"line 19"/);
    // Nothing lost between the current file and the one rotated just before it.
    const previous = readFileSync(`${path}.1`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).msg as string);
    const first = current.trim().split('\n').map((l) => JSON.parse(l).msg as string)[0]!;
    assert.equal(Number(first.split(' ')[1]), Number(previous.at(-1)!.split(' ')[1]) + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
