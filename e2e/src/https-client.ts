// A small HTTPS client for tests and benchmarks: certificate verification ON against the
// project's CA, and *.localhost resolved to loopback (as browsers do) without touching the
// system resolver.
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    return callback(null, '127.0.0.1', 4);
  }
  callback(Object.assign(new Error(`refusing to resolve ${hostname}: tests only talk to loopback`), { code: 'ENOTFOUND' }), '', 4);
};

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export function createAgent(ca: string | Buffer, opts: { keepAlive?: boolean; maxSockets?: number } = {}): https.Agent {
  return new https.Agent({ ca, lookup: loopbackLookup, keepAlive: opts.keepAlive ?? false, maxSockets: opts.maxSockets ?? 64 });
}

export function request(
  url: string,
  opts: { agent: https.Agent; method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number },
): Promise<HttpsResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', agent: opts.agent, headers: opts.headers, timeout: opts.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 10_000} ms: ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
