// One HTTP probe straight to a container's address (never through Traefik, never an exec:
// an exec costs ~80 ms of CPU on this engine, a request a fraction of a millisecond).
// A fresh connection each time (no agent): a restarted container may have a new process
// behind the same address, and an idle pooled socket would hide that.
import http from 'node:http';

export interface ProbeResult {
  readonly ok: boolean;
  /** HTTP status, or the socket error code / 'timeout'. */
  readonly detail: string;
}

export function probeHttp(ip: string, port: number, path: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = http.get({ host: ip, port, path, agent: false, headers: { connection: 'close' }, signal }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      finish({ ok: status === 200, detail: `HTTP ${status}` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, detail: err.code ?? err.message }));
    const timer = setTimeout(() => finish({ ok: false, detail: 'timeout' }), timeoutMs);
  });
}
