import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, readSettings, type SettingSpec } from '../src/settings.js';

const SPECS = [
  { name: 'PORT', kind: 'int', default: '8080', min: 1, help: 'port' },
  { name: 'CPUS', kind: 'number', default: '2', help: 'cores' },
  { name: 'SECURE', kind: 'bool', default: 'true', help: 'secure' },
  { name: 'ADMINS', kind: 'list', default: '', help: 'admins' },
  { name: 'LEVEL', kind: 'enum', default: 'info', values: ['debug', 'info', 'warn', 'error'], help: 'level' },
  { name: 'API', kind: 'url', default: 'http://127.0.0.1:8099', help: 'api' },
  { name: 'NAME', kind: 'string', default: 'x', help: 'name' },
  { name: 'DIR', kind: 'path', default: '/var/lib/berth', help: 'dir' },
] as const satisfies readonly SettingSpec[];

test('defaults are parsed by kind', () => {
  const problems: string[] = [];
  const v = readSettings(SPECS, {}, problems);
  assert.deepEqual(problems, []);
  assert.equal(v.PORT, 8080);
  assert.equal(v.CPUS, 2);
  assert.equal(v.SECURE, true);
  assert.deepEqual(v.ADMINS, []);
  assert.equal(v.LEVEL, 'info');
  assert.equal(v.API, 'http://127.0.0.1:8099');
  assert.ok(Object.isFrozen(v));
});

test('each kind parses what it should', () => {
  const problems: string[] = [];
  const v = readSettings(SPECS, { PORT: '9', CPUS: '0.5', SECURE: 'FALSE', ADMINS: ' a@x , ,b@x ', LEVEL: 'debug', API: 'https://t.example:1/' }, problems);
  assert.deepEqual(problems, []);
  assert.equal(v.PORT, 9);
  assert.equal(v.CPUS, 0.5);
  assert.equal(v.SECURE, false);
  assert.deepEqual(v.ADMINS, ['a@x', 'b@x']);
  assert.equal(v.LEVEL, 'debug');
});

test('every problem is listed at once, naming the setting, the expectation and the value', () => {
  const problems: string[] = [];
  const v = readSettings(SPECS, { PORT: '0', CPUS: '-1', SECURE: 'maybe', LEVEL: 'loud', API: 'ftp://x', DIR: 'a\0b' }, problems);
  assert.deepEqual(problems, [
    'PORT: expected an integer >= 1, got "0"',
    'CPUS: expected a positive number, got "-1"',
    'SECURE: expected true or false, got "maybe"',
    'LEVEL: expected one of debug, info, warn, error, got "loud"',
    'API: expected an http(s) URL, got "ftp://x"',
    'DIR: expected a file system path, got "a\0b"',
  ]);
  // A rejected value reads as its default, so checks that follow still see a sane value.
  assert.equal(v.PORT, 8080);
  const err = new ConfigError(problems);
  assert.match(err.message, /^invalid configuration:\n {2}PORT/);
});

test('integers reject fractions, blanks and unsafe values', () => {
  for (const raw of ['1.5', '', ' ', '1e400', '9007199254740993', 'x']) {
    const problems: string[] = [];
    readSettings(SPECS, { PORT: raw }, problems);
    assert.equal(problems.length, 1, raw);
  }
});

test('a default that its own kind rejects is a programming error, thrown at once', () => {
  assert.throws(() => readSettings([{ name: 'L', kind: 'enum', default: 'x', values: ['a'], help: 'h' }], {}, []), /default "x"/);
});
