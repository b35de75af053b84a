// The CLI's option parser: both value forms, help anywhere, and every mistake named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/cli/cli-errors.js';
import { expectPositionals, parseOptions } from '../../../src/cli/cli-options.js';

const SPEC = { image: 'string', canary: 'count', json: 'flag' } as const;
const USAGE = 'usage: ./berth thing';

test('--name value and --name=value give the same result', () => {
  const a = parseOptions(['--image', 'berth/tenant:v2', '--canary', '1', '--json', 'pos'], SPEC, USAGE);
  const b = parseOptions(['--image=berth/tenant:v2', '--canary=1', '--json', 'pos'], SPEC, USAGE);
  assert.deepEqual(a, b);
  assert.deepEqual(a.values, { image: 'berth/tenant:v2', canary: 1, json: true });
  assert.deepEqual(a.positionals, ['pos']);
  assert.equal(a.help, false);
});

test('a value may contain "=", and -- ends the options', () => {
  const r = parseOptions(['--image=a=b', '--', '--json'], SPEC, USAGE);
  assert.equal(r.values.image, 'a=b');
  assert.deepEqual(r.positionals, ['--json']);
});

test('-h and --help are seen anywhere', () => {
  assert.equal(parseOptions(['pos', '--help'], SPEC, USAGE).help, true);
  assert.equal(parseOptions(['-h'], SPEC, USAGE).help, true);
});

test('every mistake is a UsageError naming what was wrong, with the usage', () => {
  const cases: [string[], RegExp][] = [
    [['--nope'], /^unknown option --nope\nusage: /],
    [['--nope=1'], /^unknown option --nope\n/],
    [['-x'], /^unknown option -x\n/],
    [['--image'], /^--image needs a value\n/],
    [['--image='], /^--image needs a value\n/],
    [['--image', '--json'], /^--image needs a value\n/],
    [['--canary', 'two'], /^--canary needs a whole number, not "two"\n/],
    [['--canary=-1'], /^--canary needs a whole number, not "-1"\n/],
    [['--json=yes'], /^--json takes no value\n/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseOptions(argv, SPEC, USAGE), (err: unknown) => err instanceof UsageError && err.exitCode === 2 && message.test(err.message), argv.join(' '));
  }
  assert.throws(() => expectPositionals(['a', 'b'], 1, USAGE), (err: unknown) => err instanceof UsageError && /^unexpected argument "b"\nusage: /.test(err.message));
});
