// The production guide and the README promise commands: each `./berth <command> [subcommand]`
// they show (in code spans and code blocks) must exist, i.e. answer --help with exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runBerth } from './run-berth.js';

const DOCS = ['docs/production.md', 'README.md', 'docs/acme.md'];

/** `./berth` and the lowercase words after it (command, subcommand), from code only: prose may say "./berth up prints". */
export function berthCommandsIn(markdown: string): string[][] {
  const code = [...markdown.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => m[1] ?? m[2] ?? '');
  const found: string[][] = [];
  for (const block of code) {
    for (const m of block.matchAll(/\.\/berth((?:[ \t]+[a-z][a-z0-9-]*)*)/g)) {
      found.push(m[1]!.trim().split(/\s+/).filter(Boolean).slice(0, 2));
    }
  }
  return found;
}

test('the extraction reads commands from code, not prose', () => {
  assert.deepEqual(berthCommandsIn('Run `./berth rollout status --json` then\n```sh\n./berth up     # note\n./berth admin add EMAIL\n```\n./berth up sets x'),
    [['rollout', 'status'], ['up'], ['admin', 'add']]);
});

test('every ./berth command in the production guide and the README exists', { timeout: 300_000 }, async () => {
  const seen = new Map<string, string>();
  for (const doc of DOCS) {
    for (const cmd of berthCommandsIn(readFileSync(join(REPO_ROOT, doc), 'utf8'))) {
      if (!seen.has(cmd.join(' '))) seen.set(cmd.join(' '), doc);
    }
  }
  for (const must of ['up', 'status', 'admin add', 'rollout', 'rollout status', 'logs', 'down', 'test']) {
    assert.ok(seen.has(must), `the docs show ./berth ${must}`);
  }
  for (const [cmd, doc] of seen) {
    const r = await runBerth([...cmd.split(' ').filter(Boolean), '--help']);
    assert.equal(r.code, 0, `${doc}: ./berth ${cmd} --help exits ${r.code}: ${r.stderr}`);
  }
});
