// The ./berth command line as an operator meets it, without any stack running: --help on
// every command and subcommand, unknown options refused by name (exit 2), an unreachable
// control plane (exit 3, --json still parseable), --version, and build output shown on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOperatorToken } from '../../../src/rollout/operator-token.js';
import { closedPort, REPO_ROOT, runBerth } from './run-berth.js';

const BENCHES = readdirSync(join(REPO_ROOT, 'e2e/bench'))
  .filter((f) => f.endsWith('.ts') && readFileSync(join(REPO_ROOT, 'e2e/bench', f), 'utf8').startsWith('// ./berth bench '))
  .map((f) => f.replace(/\.ts$/, ''));

const COMMANDS: string[][] = [
  [], ['up'], ['down'], ['restart'], ['status'], ['test'], ['bench'], ...BENCHES.map((b) => ['bench', b]), ['image'], ['tenants'], ['logs'],
  ['rollout'], ['rollout', 'start'], ['rollout', 'status'], ['rollout', 'list'], ['rollout', 'follow'], ['rollout', 'cancel'],
  ['admin'], ['admin', 'add'], ['admin', 'remove'], ['admin', 'list'],
];

test('the benchmarks are found', () => {
  assert.deepEqual(BENCHES.sort(), ['density', 'import', 'platform', 'provision', 'restore', 'rollout']);
});

test('--help on every command and subcommand prints its usage and exits 0', { timeout: 300_000 }, async () => {
  for (const cmd of COMMANDS) {
    const r = await runBerth([...cmd, '--help']);
    assert.equal(r.code, 0, `./berth ${cmd.join(' ')} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`\\./berth ${cmd.length ? cmd[0] : ''}`), `./berth ${cmd.join(' ')} --help prints usage`);
    assert.equal(r.stderr, '', `./berth ${cmd.join(' ')} --help writes no error`);
  }
  assert.equal((await runBerth(['help', 'rollout'])).code, 0);
  assert.equal((await runBerth(['-h'])).code, 0);
});

test('an unknown option exits 2 with a message naming it, before anything runs', { timeout: 300_000 }, async () => {
  const cmds = [['up'], ['down'], ['restart'], ['status'], ['test'], ['image'], ['tenants'], ['logs'], ['rollout'], ['rollout', 'status'],
    ['rollout', 'list'], ['rollout', 'follow'], ['rollout', 'cancel'], ['admin', 'list'], ['--version']];
  for (const cmd of cmds) {
    const r = await runBerth([...cmd, '--no-such-option=1']);
    assert.equal(r.code, 2, `./berth ${cmd.join(' ')} --no-such-option: ${r.stderr}`);
    assert.match(r.stderr, /unknown option:? --no-such-option/, `./berth ${cmd.join(' ')} names the option`);
  }
  const cases: [string[], RegExp][] = [
    [['nonsense'], /unknown command "nonsense"/],
    [['bench', 'nonsense'], /unknown bench "nonsense"/],
    [['bench'], /bench needs a NAME/],
    [['up', 'extra'], /unexpected argument "extra"/],
    [['image', '--version'], /--version needs a value/],
    [['rollout'], /--image is required/],
    [['rollout', '--image=berth/tenant:v2', '--canary=two'], /--canary needs a whole number, not "two"/],
    [['rollout', 'status', 'latest'], /a rollout ID is a whole number, not "latest"/],
    [['rollout', 'cancel'], /rollout cancel needs a rollout ID/],
    [['rollout', 'pause'], /unknown subcommand "rollout pause"/],
    [['admin'], /admin needs a subcommand/],
    [['admin', 'add'], /admin add needs an EMAIL/],
  ];
  for (const [cmd, message] of cases) {
    const r = await runBerth(cmd);
    assert.equal(r.code, 2, `./berth ${cmd.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('a control plane that does not answer exits 3, with a token on disk or without', { timeout: 300_000 }, async () => {
  const port = await closedPort();
  const withToken = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const empty = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  writeOperatorToken(withToken);
  try {
    for (const stateDir of [withToken, empty]) {
      const env = { BERTH_HTTP_PORT: String(port), BERTH_STATE_DIR: stateDir };
      for (const cmd of [['tenants'], ['tenants', '--json'], ['rollout', 'status'], ['rollout', 'list', '--json'], ['rollout', 'follow', '1'],
        ['rollout', '--image=berth/tenant:v2'], ['admin', 'list']]) {
        const r = await runBerth(cmd, env);
        assert.equal(r.code, 3, `./berth ${cmd.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`cannot reach the control plane at http://127\\.0\\.0\\.1:${port}`));
        assert.equal(r.stdout, '');
      }
    }
    const traefikPort = await closedPort();
    const env = { BERTH_HTTP_PORT: String(port), BERTH_STATE_DIR: empty, BERTH_TRAEFIK_API_URL: `http://127.0.0.1:${traefikPort}` };
    const status = await runBerth(['status', '--json'], env);
    assert.equal(status.code, 3, status.stderr);
    const report = JSON.parse(status.stdout);
    assert.equal(report.ok, false);
    assert.deepEqual([report.controlPlane.answering, report.controlPlane.pid, report.controlPlane.url], [false, null, `http://127.0.0.1:${port}`]);
    assert.deepEqual([report.traefik.answering, report.traefik.pid], [false, null]);
    assert.equal(report.tenants, null);
    const text = await runBerth(['status'], env);
    assert.equal(text.code, 3);
    assert.match(text.stdout, /^control plane +DOWN +no pid file/m);
    assert.match(text.stdout, /berth is down; start it with \.\/berth up/);
  } finally {
    rmSync(withToken, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
});

test('--version prints berth\'s version and the commit checked out', async () => {
  const r = await runBerth(['--version']);
  assert.equal(r.code, 0, r.stderr);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const commit = execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  assert.equal(r.stdout, `berth ${pkg.version} (commit ${commit})\n`);
});

test('a build step is silent when it succeeds; when it fails its output is shown and ./berth exits 1', () => {
  const run = (step: string) => {
    try {
      return { code: 0, out: execFileSync('bash', ['-c', `source infra/scripts/lib.sh; quietly "building demo" ${step}`], { cwd: REPO_ROOT, encoding: 'utf8', stdio: 'pipe' }) };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: e.stdout + e.stderr };
    }
  };
  assert.deepEqual(run(`bash -c 'echo compiled; echo progress >&2'`), { code: 0, out: '' });
  // tsc prints its errors to stdout and exits 2; the operator sees them, and 2 never leaks out as "usage".
  const failed = run(`bash -c 'echo "src/a.ts(1,7): error TS2322: Type string is not assignable to type number."; exit 2'`);
  assert.equal(failed.code, 1);
  assert.match(failed.out, /src\/a\.ts\(1,7\): error TS2322/);
  assert.match(failed.out, /building demo failed \(its output is above\)/);
});

test('settings come from BERTH_ENV_FILE (KEY=value lines), the environment wins, a bad line exits 2 naming it', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-env-'));
  const [fromFile, fromEnv, traefikPort] = [await closedPort(), await closedPort(), await closedPort()];
  const file = join(dir, 'berth.env');
  try {
    writeFileSync(file, `# this host\n\nBERTH_HTTP_PORT=${fromFile}\nBERTH_DOMAIN="example.com"\nBERTH_PUBLIC_HTTPS_PORT='8443'\n`);
    const env = { BERTH_ENV_FILE: file, BERTH_STATE_DIR: dir, BERTH_TRAEFIK_API_URL: `http://127.0.0.1:${traefikPort}` };
    const read = JSON.parse((await runBerth(['status', '--json'], env)).stdout);
    assert.deepEqual([read.controlPlane.url, read.publicUrl], [`http://127.0.0.1:${fromFile}`, 'https://example.com:8443/']);
    const overridden = JSON.parse((await runBerth(['status', '--json'], { ...env, BERTH_HTTP_PORT: String(fromEnv) })).stdout);
    assert.equal(overridden.controlPlane.url, `http://127.0.0.1:${fromEnv}`);
    writeFileSync(file, 'BERTH_DOMAIN=example.com\nexport BERTH_HTTP_PORT 1\n');
    const bad = await runBerth(['status'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`${file}:2: expected KEY=value, got: export BERTH_HTTP_PORT 1`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
