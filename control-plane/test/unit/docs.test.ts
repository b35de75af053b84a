// Docs kept honest by tests: the README's settings table is exactly what config.ts declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderSettingsTable } from '../../../scripts/settings-table.js';
import { SETTINGS, loadConfig, ConfigError } from '../../src/config.js';

test('README settings table matches config.ts (run scripts/settings-table.ts --write)', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = readme.match(/<!-- settings:start -->\n([\s\S]*)\n<!-- settings:end -->/);
  assert.ok(block, 'README has a settings block');
  assert.equal(block[1], renderSettingsTable());
});

test('every setting has a help text and the defaults load', () => {
  for (const s of SETTINGS) assert.ok(s.help.length > 10, `${s.name} has help`);
  assert.doesNotThrow(() => loadConfig({}));
});

test('config lists every problem at once', () => {
  try {
    loadConfig({ BERTH_HTTP_PORT: 'x', BERTH_DOMAIN: 'nodots', BERTH_SECURE_COOKIES: 'maybe' });
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3);
  }
});
