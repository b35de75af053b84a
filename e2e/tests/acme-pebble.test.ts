// Production certificates end to end against a real ACME CA: Traefik, configured only through
// the BERTH_ACME_* settings, obtains ONE certificate for <domain> and *.<domain> from Pebble by
// DNS-01 (lego's `exec` provider sets the TXT record on pebble-challtestsrv, whose DNS server
// Pebble validates against), serves it to the control plane and to a tenant — verified against
// Pebble's issuing root only — and renews it on its own before it expires.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import type https from 'node:https';
import { startStack, type Stack } from '../src/stack.js';
import { startPebble, CHALLTESTSRV_HOOK, type Pebble } from '../src/pebble.js';
import { createAgent, request } from '../src/https-client.js';
import { signUp, createTenant, waitUntilServing, openTenant } from '../src/session.js';
import { waitFor } from '@berth/common/wait-for';

// Pebble's `shortlived` profile issues certificates valid for 15 minutes; with
// BERTH_ACME_CERT_HOURS=1 Traefik renews those with under 20 minutes left and checks every
// minute, so it renews the first certificate about a minute after it starts — long before expiry.
const SHORT_VALIDITY_S = 15 * 60;
const RENEWAL_WAIT_MS = 150_000;

let pebble: Pebble;
let stack: Stack;
let pebbleDir = '';
let root = '';
/** The stack seen by a client that trusts Pebble's issuing root and nothing else. */
let viaAcme: Stack;
let first: tls.PeerCertificate;

interface Handshake {
  readonly cert: tls.PeerCertificate;
  readonly authorized: boolean;
  readonly error: string | null;
}

/** A fresh TLS handshake with Traefik for `servername`, verifying against Pebble's root only. */
function handshake(servername: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: stack.httpsPort, servername, ca: root, rejectUnauthorized: false, timeout: 5_000 }, () => {
      const out = { cert: socket.getPeerCertificate(), authorized: socket.authorized, error: socket.authorizationError ? String(socket.authorizationError) : null };
      socket.end();
      resolve(out);
    });
    socket.on('timeout', () => socket.destroy(new Error(`TLS handshake timeout for ${servername}`)));
    socket.on('error', reject);
  });
}

before(async () => {
  pebbleDir = mkdtempSync(join(tmpdir(), 'berth-pebble-'));
  pebble = await startPebble({ dir: pebbleDir, profiles: { default: 90 * 24 * 3600, shortlived: SHORT_VALIDITY_S } });
  root = await pebble.issuingRoot();
  stack = await startStack({
    traefikEnv: {
      BERTH_ACME_DNS_PROVIDER: 'exec',
      BERTH_ACME_EMAIL: 'ops@example.org',
      BERTH_ACME_CA_SERVER: pebble.directoryUrl,
      BERTH_ACME_CA_CERTIFICATES: pebble.caCertPath,
      BERTH_ACME_PROFILE: 'shortlived',
      BERTH_ACME_CERT_HOURS: '1',
      BERTH_ACME_DNS_RESOLVERS: pebble.dnsAddress,
      BERTH_ACME_DNS_CHECK: 'resolvers',
      // lego's exec provider: the hook program, and quick polling of the resolver.
      EXEC_PATH: CHALLTESTSRV_HOOK,
      EXEC_POLLING_INTERVAL: '1',
      EXEC_PROPAGATION_TIMEOUT: '30',
      EXEC_SEQUENCE_INTERVAL: '1',
      CHALLTESTSRV_URL: pebble.challtestsrvUrl,
    },
  });
  viaAcme = { ...stack, agent: createAgent(root) };
});

after(async () => {
  viaAcme?.agent.destroy();
  await stack?.stop();
  await pebble?.stop();
  if (pebbleDir && !process.env.BERTH_KEEP_TEST_DIRS) rmSync(pebbleDir, { recursive: true, force: true });
});

test('Traefik obtains one certificate for <domain> and *.<domain> from the ACME CA by DNS-01', async () => {
  // Until the order completes Traefik serves its own self-signed default certificate.
  const got = await waitFor(async () => {
    const h = await handshake(stack.domain);
    return h.authorized ? h : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500, what: `a certificate for ${stack.domain} that verifies against Pebble's root` });
  first = got.cert;
  const names = (first.subjectaltname ?? '').split(', ').sort();
  assert.deepEqual(names, [`DNS:*.${stack.domain}`, `DNS:${stack.domain}`]);
  const lifetimeS = (Date.parse(first.valid_to) - Date.parse(first.valid_from)) / 1000;
  assert.ok(lifetimeS <= SHORT_VALIDITY_S, `the shortlived profile was requested (lifetime ${lifetimeS} s)`);

  // The same certificate for any tenant host: the wildcard, picked by SNI.
  const tenantHost = await handshake(`some-tenant.${stack.domain}`);
  assert.equal(tenantHost.error, null);
  assert.equal(tenantHost.cert.serialNumber, first.serialNumber);

  // The account key and certificates are kept in the state directory, readable by root only.
  assert.equal(statSync(join(stack.dir, 'state', 'acme', 'acme.json')).mode & 0o777, 0o600);
});

test('the control plane and a tenant are reached over HTTPS with the issued certificate', async () => {
  const session = await signUp(viaAcme, 'acme-owner@example.org', 'correct horse battery staple');
  await createTenant(viaAcme, session, 'acme');
  await waitUntilServing(viaAcme, session, 'acme');
  const cookie = await openTenant(viaAcme, session, 'acme');
  const res = await request(`${stack.tenantUrl('acme')}/`, { agent: viaAcme.agent, headers: { cookie, accept: 'text/html' } });
  assert.equal(res.status, 200);

  // Verification is really on: the project's local CA does not vouch for this certificate.
  await assert.rejects(request(`${stack.tenantUrl('acme')}/__heartbeat__`, { agent: stack.agent }), /self-signed|unable to verify|certificate/i);
});

test('Traefik renews the certificate before it expires, and keeps serving', async () => {
  assert.ok(first, 'the issuance test ran first');
  const renewed = await waitFor(async () => {
    const h = await handshake(stack.domain);
    return h.authorized && h.cert.serialNumber !== first.serialNumber ? h.cert : undefined;
  }, { timeoutMs: RENEWAL_WAIT_MS, intervalMs: 2_000, what: 'a renewed certificate' });
  assert.ok(Date.now() < Date.parse(first.valid_to), 'renewed while the first certificate was still valid');
  assert.ok(Date.parse(renewed.valid_to) > Date.parse(first.valid_to), 'the new certificate lasts longer');
  assert.equal(renewed.subjectaltname, first.subjectaltname);

  // (Renewals go on every minute while the test runs: any certificate after the first will do.)
  const tenant = await handshake(`acme.${stack.domain}`);
  assert.equal(tenant.error, null);
  assert.notEqual(tenant.cert.serialNumber, first.serialNumber);
  const fresh: https.Agent = createAgent(root);
  try {
    assert.equal((await request(`${stack.tenantUrl('acme')}/__heartbeat__`, { agent: fresh })).status, 200);
  } finally {
    fresh.destroy();
  }
});
