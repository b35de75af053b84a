// A real ACME CA on loopback for the certificate test: Pebble (Let's Encrypt's small ACME
// server) and pebble-challtestsrv, whose DNS server answers the TXT records set through its
// HTTP management API. Pebble validates DNS-01 challenges against that DNS server only.
// Both are built by infra/scripts/build-pebble.sh into the cache (never committed).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { stopProcess } from './stop-process.js';
import { waitFor } from '@berth/common/wait-for';

const CACHE_DIR = process.env.BERTH_CACHE_DIR ?? '/var/cache/berth';
const PEBBLE_VERSION = process.env.PEBBLE_VERSION ?? 'v2.10.3';
export const PEBBLE_DIR = join(CACHE_DIR, 'pebble', PEBBLE_VERSION);
/** Lego's `exec` DNS provider program that sets and clears TXT records on challtestsrv. */
export const CHALLTESTSRV_HOOK = new URL('./challtestsrv-dns-hook.sh', import.meta.url).pathname;

export interface PebbleOptions {
  /** Where the config and the logs go. */
  readonly dir: string;
  /** Pebble profiles (name → certificate validity in seconds); `default` is used when a client names none. */
  readonly profiles: Readonly<Record<string, number>>;
}

export interface Pebble {
  /** ACME directory URL (HTTPS, certificate signed by `caCertPath`). */
  readonly directoryUrl: string;
  /** The test CA of Pebble's own HTTPS endpoints (not of the certificates it issues). */
  readonly caCertPath: string;
  /** challtestsrv's DNS server, host:port (UDP and TCP). */
  readonly dnsAddress: string;
  /** challtestsrv's management API, for the DNS hook. */
  readonly challtestsrvUrl: string;
  /** The root that signs the certificates Pebble issues (generated at each start). */
  issuingRoot(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPebble(opts: PebbleOptions): Promise<Pebble> {
  const pebbleBin = join(PEBBLE_DIR, 'pebble');
  const challBin = join(PEBBLE_DIR, 'pebble-challtestsrv');
  const caCertPath = join(PEBBLE_DIR, 'certs', 'ca.pem');
  if (!existsSync(pebbleBin) || !existsSync(challBin)) throw new Error(`no Pebble binaries in ${PEBBLE_DIR}: run ./berth up (infra/scripts/build-pebble.sh) first`);
  const [acmePort, mgmtPort, dnsPort, challPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dnsAddress = `127.0.0.1:${dnsPort}`;
  const challtestsrvUrl = `http://127.0.0.1:${challPort}`;
  const ca = readFileSync(caCertPath);

  // Only the DNS server and the management API: the HTTP-01/TLS-ALPN/DoH servers stay off.
  const chall = run(challBin, ['-dnsserver', dnsAddress, '-management', `127.0.0.1:${challPort}`,
    '-http01', '', '-https01', '', '-tlsalpn01', '', '-doh', ''], {}, join(opts.dir, 'challtestsrv.log'));
  const configPath = join(opts.dir, 'pebble-config.json');
  writeFileSync(configPath, JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${mgmtPort}`,
      certificate: join(PEBBLE_DIR, 'certs', 'cert.pem'),
      privateKey: join(PEBBLE_DIR, 'certs', 'key.pem'),
      // Ports Pebble would dial for HTTP-01 / TLS-ALPN-01; unused (DNS-01 only).
      httpPort: 5002,
      tlsPort: 5001,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      retryAfter: { authz: 1, order: 1 },
      profiles: Object.fromEntries(Object.entries(opts.profiles).map(([name, validityPeriod]) => [name, { description: name, validityPeriod }])),
    },
  }, null, 2));
  // No sleeps before validation, no rejected nonces (both default on to shake out clients),
  // no reused authorizations: every order, renewals included, goes through DNS-01 again.
  const pebble = run(pebbleBin, ['-config', configPath, '-dnsserver', dnsAddress],
    { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' }, join(opts.dir, 'pebble.log'));

  const stop = async () => { await Promise.all([stopProcess(pebble), stopProcess(chall)]); };
  try {
    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    await waitFor(async () => {
      const res = await get(directoryUrl, ca);
      if (res.status !== 200) throw new Error(`Pebble directory answered ${res.status}: ${res.body}`);
      return true;
    }, { timeoutMs: 20_000, what: 'Pebble directory' });
    await waitFor(async () => (await fetch(`${challtestsrvUrl}/clear-txt`, { method: 'POST', body: JSON.stringify({ host: 'probe.invalid.' }) })).ok,
      { timeoutMs: 20_000, what: 'challtestsrv management API' });
    return {
      directoryUrl, caCertPath, dnsAddress, challtestsrvUrl,
      async issuingRoot() {
        const res = await get(`https://127.0.0.1:${mgmtPort}/roots/0`, ca);
        if (res.status !== 200) throw new Error(`Pebble /roots/0 answered ${res.status}`);
        return res.body;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function run(bin: string, args: string[], env: Record<string, string>, logPath: string): ChildProcess {
  const child = spawn(bin, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logPath);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  return child;
}

function get(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Pebble refuses requests without a User-Agent (as ACME requires).
    https.get(url, { ca, timeout: 5_000, headers: { 'user-agent': 'berth-e2e' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    }).on('timeout', function (this: import('node:http').ClientRequest) { this.destroy(new Error(`timeout: ${url}`)); }).on('error', reject);
  });
}
