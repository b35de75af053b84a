// One HTTP(S) request that never throws: the load generator and the verifier must record a
// transport error as data (a reset, a refused dial, a timeout) rather than lose it to a
// rejected promise. Times are epoch milliseconds with sub-millisecond precision so they line
// up with Traefik's access log, Docker's events and the rollout's own timestamps.
import http from 'node:http';
import https from 'node:https';

export interface CallOptions {
  readonly agent: http.Agent | https.Agent;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** A streamed body (e.g. a large file), used instead of body. */
  readonly bodyStream?: NodeJS.ReadableStream;
  readonly timeoutMs?: number;
  /** Bodies beyond this are counted but not kept (bounded memory under load). */
  readonly maxBodyBytes?: number;
}

export interface CallResult {
  /** 0 when no response arrived. */
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Set when the request failed below HTTP (reset, refused, timeout, TLS). */
  readonly error?: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ms: number;
  /** X-Berth-Container of the answer: which container served it. */
  readonly container?: string;
}

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export function call(url: string, opts: CallOptions): Promise<CallResult> {
  const startedAt = epochNow();
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<CallResult, 'startedAt' | 'endedAt' | 'ms'>) => {
      if (settled) return;
      settled = true;
      const endedAt = epochNow();
      resolve({ ...r, startedAt, endedAt, ms: endedAt - startedAt });
    };
    const req = mod.request(url, { method: opts.method ?? 'GET', agent: opts.agent, headers: opts.headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < maxBody) chunks.push(c);
        kept += c.length;
      });
      res.on('end', () => {
        const container = res.headers['x-berth-container'];
        finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), container: Array.isArray(container) ? container[0] : container });
      });
      // A response cut mid-body is a transport failure even though a status line arrived.
      res.on('aborted', () => finish({ status: 0, headers: res.headers, body: '', error: `response aborted after status ${res.statusCode}` }));
      res.on('error', (err) => finish({ status: 0, headers: res.headers, body: '', error: describe(err) }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', (err) => finish({ status: 0, headers: {}, body: '', error: describe(err) }));
    if (opts.bodyStream) {
      opts.bodyStream.on('error', (err: Error) => req.destroy(err));
      opts.bodyStream.pipe(req);
    } else req.end(opts.body);
  });
}

function describe(err: Error): string {
  const code = (err as { code?: string }).code;
  return code ? `${code}: ${err.message}` : err.message;
}

export function isOk(r: Pick<CallResult, 'status' | 'error'>): boolean {
  return !r.error && r.status >= 200 && r.status < 300;
}
