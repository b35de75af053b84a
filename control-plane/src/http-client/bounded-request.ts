// The one way the control plane reads an answer from a tenant (its control endpoints, its
// probes, its answers through Traefik). A tenant runs code we must assume is compromised, so
// every read is bounded in bytes and in total time — headers and body together, not an idle
// timeout that a trickle of bytes keeps resetting: an endless or slow answer must not exhaust
// the control plane's memory, which would take sign-in down for every tenant.
import http from 'node:http';
import https from 'node:https';

/** Why a bounded read failed; `socket` carries the system error code. */
export type BoundedReadFailure = 'too-large' | 'deadline' | 'socket';

export class BoundedReadError extends Error {
  override readonly name = 'BoundedReadError';
  constructor(
    readonly kind: BoundedReadFailure,
    message: string,
    /** The system error code for `socket` (ECONNREFUSED, ECONNRESET...). */
    readonly code?: string,
    /** The request went out on a pooled keep-alive socket (a reset then may be staleness, not an answer). */
    readonly reusedSocket = false,
  ) {
    super(message);
  }
}

export interface BoundedRequest {
  readonly protocol?: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: string;
  /** A keep-alive agent, or false for one connection per request. */
  readonly agent?: http.Agent | false;
  /** TLS only: the name sent as SNI. The certificate is not verified (loopback Traefik, any CA). */
  readonly servername?: string;
  /** Largest body accepted; a longer one fails with `too-large` as soon as it is exceeded. */
  readonly maxBytes: number;
  /** Total time for connect, headers and body. */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
}

export interface BoundedResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Sends one request and reads the whole answer within `maxBytes` and `deadlineMs`, or
 * rejects with a BoundedReadError (the socket is destroyed, so nothing more is read), or with
 * the signal's reason when it aborts. A complete answer leaves a pooled socket to its agent.
 */
export function boundedRequest(r: BoundedRequest): Promise<BoundedResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const fail = (err: unknown) => settle(() => {
      req.destroy();
      reject(err);
    });
    const onAbort = () => fail(r.signal!.reason);
    const options: https.RequestOptions = {
      host: r.host, port: r.port, path: r.path, method: r.method ?? 'GET', headers: { ...r.headers }, agent: r.agent,
      ...(r.protocol === 'https' ? { servername: r.servername, rejectUnauthorized: false } : {}),
    };
    const req = (r.protocol === 'https' ? https : http).request(options, (res) => {
      const declared = Number(res.headers['content-length']);
      if (declared > r.maxBytes) return fail(tooLarge(r, `declared ${declared} bytes`));
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > r.maxBytes) return fail(tooLarge(r, `more than ${r.maxBytes} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })));
      res.on('error', (err: NodeJS.ErrnoException) => fail(socketError(err, req.reusedSocket)));
    });
    req.on('error', (err: NodeJS.ErrnoException) => fail(socketError(err, req.reusedSocket)));
    const timer = setTimeout(() => fail(new BoundedReadError('deadline', `no complete answer within ${r.deadlineMs} ms`)), r.deadlineMs);
    if (r.signal?.aborted) return onAbort();
    r.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(r.body);
  });
}

function tooLarge(r: BoundedRequest, what: string): BoundedReadError {
  return new BoundedReadError('too-large', `answer too large: ${what} (limit ${r.maxBytes})`);
}

function socketError(err: NodeJS.ErrnoException, reusedSocket: boolean): BoundedReadError {
  return new BoundedReadError('socket', err.code ?? err.message, err.code ?? err.message, reusedSocket);
}
