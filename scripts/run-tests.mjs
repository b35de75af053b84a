#!/usr/bin/env node
// Runs every test of the workspace in one node:test invocation, so the run ends with a single
// summary (tests / pass / fail) that CI reads. Files are listed here rather than globbed so that
// filters apply and the order is fixed: unit tests first (fast feedback), then integration and
// browser tests.
//   node scripts/run-tests.mjs [filter-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['common/test', 'control-plane/test', 'tenant-image/test', 'e2e/tests'];

function walk(dir) {
  let out = [];
  let names = [];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = dirs.flatMap((d) => walk(join(root, d)))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
// Unit tests (test/unit/...) before everything that needs Docker, Traefik or Chromium.
files.sort((a, b) => Number(!a.includes('/unit/')) - Number(!b.includes('/unit/')) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// A test or hook stuck for 15 minutes fails. A file whose tests and after-hooks are done but
// whose process stays alive (a leaked handle) is ended by scripts/test-exit-guard.mjs, preloaded
// into each file's process, 10 s later: one hang costs one file, not the whole run (a hung
// before-hook once held every file after it until CI's limit). Not --test-force-exit: it can
// end a file's process before its last results leave the pipe (nodejs/node#64833), and CI then
// counted 741 of 743 tests and passed.
const guard = new URL('./test-exit-guard.mjs', import.meta.url).href;
const res = spawnSync(process.execPath, ['--import', 'tsx', '--import', guard, '--test', '--test-reporter=spec', '--test-concurrency=1',
  '--test-timeout=900000', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
