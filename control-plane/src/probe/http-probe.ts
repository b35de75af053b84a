// One HTTP probe straight to a container's address (never through Traefik, never an exec:
// an exec costs ~80 ms of CPU on this engine, a request a fraction of a millisecond).
// Probes reuse a kept-alive connection per container: at 200 idle tenants a new TCP connection
// per probe was most of the control plane's idle CPU (connect, accept, close on both sides).
// Reuse cannot hide a restart: when the process behind an address exits, the kernel closes its
// sockets and the agent drops the pooled one, so the next probe connects afresh; a socket that
// breaks under a probe fails that one probe, and a ready container is only reported not ready
// after several failures in a row. The app's keep-alive (65 s) outlives the probe interval.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 2, maxFreeSockets: 1, scheduling: 'lifo' });

export interface ProbeResult {
  readonly ok: boolean;
  /** HTTP status, or the socket error code / 'timeout'. */
  readonly detail: string;
}

export async function probeHttp(ip: string, port: number, path: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const first = await attempt(ip, port, path, timeoutMs, signal);
  // A pooled socket the server closed just before we wrote on it (its process exited, or it
  // closed idle connections) is a stale socket, not an answer: ask once more on a new one.
  const { ok, detail } = first.staleSocket ? await attempt(ip, port, path, timeoutMs, signal) : first;
  return { ok, detail };
}

function attempt(ip: string, port: number, path: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult & { staleSocket?: boolean }> {
  return new Promise((resolve) => {
    let done = false;
    // `destroy` only when the exchange did not complete (timeout, error): a finished response
    // hands its socket back to the pool for the next probe.
    const finish = (r: ProbeResult & { staleSocket?: boolean }, destroy: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (destroy) req.destroy();
      resolve(r);
    };
    const req = http.get({ host: ip, port, path, agent, signal }, (res) => {
      const status = res.statusCode ?? 0;
      res.on('end', () => finish({ ok: status === 200, detail: `HTTP ${status}` }, false));
      res.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, detail: err.code ?? err.message }, true));
      res.resume();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      finish({ ok: false, detail: err.code ?? err.message, ...(stale ? { staleSocket: true } : {}) }, true);
    });
    const timer = setTimeout(() => finish({ ok: false, detail: 'timeout' }, true), timeoutMs);
  });
}
