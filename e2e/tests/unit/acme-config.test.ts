// The ACME part of Traefik's configuration as infra/scripts/render-traefik-config.sh renders it
// from BERTH_ACME_* settings: off by default, a DNS-01 resolver and an ACME default certificate
// when on, a clear error for a bad value, and every setting documented in README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');

interface Rendered {
  readonly status: number;
  readonly stderr: string;
  readonly staticConfig: string;
  readonly tlsFile: string;
  readonly dir: string;
}

function render(env: Record<string, string>): Rendered {
  const dir = mkdtempSync(join(tmpdir(), 'berth-acme-config-'));
  try {
    const res = spawnSync(join(REPO_ROOT, 'infra/scripts/render-traefik-config.sh'), [
      join(dir, 'traefik.yml'), join(dir, 'routes'), join(dir, 'logs'), '127.0.0.1', '8080', '8443', '8099', '/c.pem', '/k.pem',
    ], { env: { PATH: process.env.PATH ?? '', BERTH_STATE_DIR: join(dir, 'state'), BERTH_DOMAIN: 'example.org', ...env }, encoding: 'utf8' });
    const read = (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
    const acmeDir = join(dir, 'state', 'acme');
    const out = { status: res.status ?? -1, stderr: res.stderr, staticConfig: read(join(dir, 'traefik.yml')), tlsFile: read(join(dir, 'routes', '_tls.yml')), dir };
    if (out.status === 0 && env.BERTH_ACME_DNS_PROVIDER) assert.equal(statSync(acmeDir).mode & 0o777, 0o700, 'ACME state directory is private');
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('without BERTH_ACME_DNS_PROVIDER the local CA certificate is the default and no resolver exists', () => {
  const r = render({});
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.staticConfig, /certificatesResolvers/);
  assert.match(r.tlsFile, /defaultCertificate:\s+certFile: "\/c\.pem"\s+keyFile: "\/k\.pem"/);
});

test('with a DNS provider Traefik gets a DNS-01 resolver and an ACME wildcard as the default certificate', () => {
  const r = render({
    BERTH_ACME_DNS_PROVIDER: 'cloudflare',
    BERTH_ACME_EMAIL: 'ops@example.org',
    BERTH_ACME_CERT_HOURS: '1080',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.staticConfig, /certificatesResolvers:\n {2}berth:\n {4}acme:\n/);
  assert.match(r.staticConfig, new RegExp(`storage: "${r.dir}/state/acme/acme.json"`));
  assert.match(r.staticConfig, /email: "ops@example\.org"/);
  assert.match(r.staticConfig, /certificatesDuration: 1080/);
  assert.match(r.staticConfig, /dnsChallenge:\n {8}provider: cloudflare\n/);
  // Unset settings leave Traefik's defaults (its production directory, system roots, no profile).
  assert.doesNotMatch(r.staticConfig, /caServer|caCertificates|profile|resolvers|propagation/);
  assert.doesNotMatch(r.tlsFile, /defaultCertificate:/);
  assert.match(r.tlsFile, /defaultGeneratedCert:\n\s+resolver: berth\n\s+domain:\n\s+main: "example\.org"\n\s+sans: \["\*\.example\.org"\]/);
});

test('resolver-only propagation checks are rendered with their resolvers', () => {
  const r = render({ BERTH_ACME_DNS_PROVIDER: 'exec', BERTH_ACME_DNS_RESOLVERS: '10.0.0.53:53, 10.0.1.53:53', BERTH_ACME_DNS_CHECK: 'resolvers' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.staticConfig, /resolvers: \["10\.0\.0\.53:53", "10\.0\.1\.53:53"\]\n {8}propagation:\n {10}disableANSChecks: true\n {10}requireAllRNS: true/);
});

test('a bad ACME setting stops the rendering with a message naming it', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ BERTH_ACME_DNS_PROVIDER: 'Cloud Flare' }, /BERTH_ACME_DNS_PROVIDER: 'Cloud Flare' is not a lego DNS provider code/],
    [{ BERTH_ACME_DNS_PROVIDER: 'exec', BERTH_ACME_CERT_HOURS: '0' }, /BERTH_ACME_CERT_HOURS: '0' is not a whole number of hours/],
    [{ BERTH_ACME_DNS_PROVIDER: 'exec', BERTH_ACME_DNS_CHECK: 'resolvers' }, /BERTH_ACME_DNS_CHECK=resolvers needs BERTH_ACME_DNS_RESOLVERS/],
    [{ BERTH_ACME_DNS_PROVIDER: 'exec', BERTH_ACME_DNS_CHECK: 'none' }, /BERTH_ACME_DNS_CHECK: 'none' is not one of/],
    [{ BERTH_ACME_DNS_PROVIDER: 'exec', BERTH_ACME_EMAIL: 'a"b@example.org' }, /BERTH_ACME_EMAIL must not contain quotes/],
    [{ BERTH_ACME_DNS_PROVIDER: 'exec', BERTH_ACME_CA_CERTIFICATES: '/nonexistent/ca.pem' }, /BERTH_ACME_CA_CERTIFICATES: cannot read \/nonexistent\/ca\.pem/],
  ];
  for (const [env, message] of cases) {
    const r = render(env);
    assert.notEqual(r.status, 0, JSON.stringify(env));
    assert.match(r.stderr, message);
  }
});

test('every BERTH_ACME_* setting the renderer reads is documented in README.md', () => {
  const script = readFileSync(join(REPO_ROOT, 'infra/scripts/acme-config.sh'), 'utf8');
  const read = [...new Set(script.match(/BERTH_ACME_[A-Z_]+/g))].sort();
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- acme-settings:start -->'), readme.indexOf('<!-- acme-settings:end -->'));
  const documented = [...table.matchAll(/^\| `(BERTH_ACME_[A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, read);
});
