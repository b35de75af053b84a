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
  /**
   * Send a GET or HEAD once more, on a new connection, when a reused keep-alive connection was
   * reset before any answer: the server closed it as idle while this request was on its way (a
   * proxy shutting down gracefully does that to idle connections). Go's HTTP client, curl and
   * browsers do the same (RFC 9112 9.3.1); Node's agent leaves it to the caller (its docs show
   * this check). The result says so (staleConnectionRetried), so a report can count them.
   */
  readonly retryStaleKeepAlive?: boolean;
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
  /** Sent a second time after a reused connection was reset before any answer (retryStaleKeepAlive). */
  readonly staleConnectionRetried?: boolean;
}

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

const IDEMPOTENT = new Set(['GET', 'HEAD']);

export async function call(url: string, opts: CallOptions): Promise<CallResult> {
  const startedAt = epochNow();
  const first = await callOnce(url, opts, startedAt);
  if (!first.staleConnectionRetried) return first;
  const again = await callOnce(url, { ...opts, retryStaleKeepAlive: false }, startedAt);
  return { ...again, staleConnectionRetried: true };
}

/** One attempt; `staleConnectionRetried` set on the result means: retry it (see retryStaleKeepAlive). */
function callOnce(url: string, opts: CallOptions, startedAt: number): Promise<CallResult> {
  const method = (opts.method ?? 'GET').toUpperCase();
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
    const req = mod.request(url, { method, agent: opts.agent, headers: opts.headers, timeout: timeoutMs }, (res) => {
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
    req.on('error', (err) => {
      const code = (err as { code?: string }).code;
      const stale = opts.retryStaleKeepAlive === true && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')
        && IDEMPOTENT.has(method) && !opts.bodyStream;
      finish({ status: 0, headers: {}, body: '', error: describe(err), ...(stale ? { staleConnectionRetried: true } : {}) });
    });
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
