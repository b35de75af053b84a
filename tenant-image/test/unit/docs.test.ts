import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SETTINGS, loadConfig, ConfigError } from '../../src/config.js';
import { ERRORS } from '../../src/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('README documents every setting and every error code', () => {
  for (const s of SETTINGS) assert.match(readme, new RegExp(`\\| \`${s.name}\` \\|`), s.name);
  for (const code of Object.keys(ERRORS)) assert.match(readme, new RegExp(`\\| \`${code}\` \\|`), code);
});

test('config: defaults, and every problem listed at once', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.dbPath, '/data/tenant.db');
  assert.equal(c.limits.maxFileBytes, 2 * 1024 ** 3);
  assert.equal(c.sqlTimeLimitMs, 1000);
  assert.equal(c.sqlRowCap, 1000);
  assert.ok(c.keepAliveTimeoutMs > 30_000);
  assert.ok(Object.isFrozen(c));
  assert.throws(
    () => loadConfig({ PORT: 'x', BERTH_BUSY_TIMEOUT_MS: '100', BERTH_KEEP_ALIVE_TIMEOUT_MS: '5000', BERTH_LOG_LEVEL: 'loud' }),
    (e: ConfigError) => e.problems.length === 4,
  );
  // The negative control may lower the busy timeout; nothing else may.
  assert.equal(loadConfig({ BERTH_FAULT_DEFERRED_WRITES: '1', BERTH_BUSY_TIMEOUT_MS: '0' }).faultDeferredWrites, true);
});
