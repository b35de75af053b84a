// berth's pinned Node runtime: one version, written in infra/scripts/lib.sh (with the tarball's
// integrity), .node-version and package.json's engines, must agree; lib.sh must put it first on
// PATH for everything ./berth runs and name the base image after it; and these tests, started
// by ./berth test, must themselves run on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');

/** What lib.sh defines, read by sourcing it the way every script does. */
function sourceLib(env: Record<string, string> = {}): Record<string, string> {
  const names = ['BERTH_NODE_VERSION', 'BERTH_NODE_INTEGRITY', 'BERTH_NODE_DIR', 'BASE_IMAGE_TAG', 'PATH', 'npm_config_nodedir'];
  const res = spawnSync('bash', ['-c', `source "$1"; for n in ${names.join(' ')}; do printf '%s=%s\\n' "$n" "\${!n}"; done`, 'bash', join(REPO_ROOT, 'infra/scripts/lib.sh')], {
    env: { PATH: '/usr/bin:/bin', BERTH_CACHE_DIR: '/var/cache/berth', ...env }, encoding: 'utf8',
  });
  assert.equal(res.status, 0, res.stderr);
  return Object.fromEntries(res.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

const lib = sourceLib();
const pinned = lib.BERTH_NODE_VERSION!;

test('the pinned runtime is an exact Node 24 (LTS) version with a sha512 integrity', () => {
  assert.match(pinned, /^24\.\d+\.\d+$/);
  assert.match(lib.BERTH_NODE_INTEGRITY!, /^sha512-[A-Za-z0-9+/]{86}==$/);
});

test('.node-version and package.json engines name the pinned version', () => {
  assert.equal(readFileSync(join(REPO_ROOT, '.node-version'), 'utf8').trim(), pinned);
  const engines = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const range = /^>=(\d+) <(\d+)$/.exec(engines);
  assert.ok(range, `engines.node is a ">=A <B" major range, got "${engines}"`);
  const major = Number(pinned.split('.')[0]);
  assert.ok(major >= Number(range[1]) && major < Number(range[2]), `${pinned} is inside engines.node "${engines}"`);
});

test('lib.sh puts the pinned runtime first on PATH once, builds addons against its headers, and names the base image after it', () => {
  assert.equal(lib.BERTH_NODE_DIR, `/var/cache/berth/node/${pinned}`);
  assert.equal(lib.PATH!.split(':')[0], `${lib.BERTH_NODE_DIR}/bin`);
  assert.equal(lib.npm_config_nodedir, lib.BERTH_NODE_DIR);
  assert.equal(lib.BASE_IMAGE_TAG, `berth/base-node:${pinned}`);
  // Scripts source lib.sh from scripts that already sourced it (and a shell's start-up files may
  // have prepended their own entries since): the runtime stays first, listed once.
  const again = sourceLib({ PATH: `/opt/other/bin:${lib.PATH!}` }).PATH!.split(':');
  assert.equal(again[0], `${lib.BERTH_NODE_DIR}/bin`);
  assert.equal(again.filter((p) => p === `${lib.BERTH_NODE_DIR}/bin`).length, 1);
});

test('the tenant Dockerfile defaults to the same Node major when built elsewhere', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'tenant-image/Dockerfile'), 'utf8');
  assert.match(dockerfile, new RegExp(`^ARG BASE_IMAGE=node:${pinned.split('.')[0]}-`, 'm'));
});

test('the tests run on the pinned runtime (./berth puts it first on PATH)', () => {
  assert.equal(process.version, `v${pinned}`);
});
