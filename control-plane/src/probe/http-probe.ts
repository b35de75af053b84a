// One HTTP probe straight to a container's address (never through Traefik, never an exec:
// an exec costs ~80 ms of CPU on this engine, a request a fraction of a millisecond).
// Probes reuse a kept-alive connection per container: at 200 idle tenants a new TCP connection
// per probe was most of the control plane's idle CPU (connect, accept, close on both sides).
// Reuse cannot hide a restart: when the process behind an address exits, the kernel closes its
// sockets and the agent drops the pooled one, so the next probe connects afresh; a socket that
// breaks under a probe fails that one probe, and a ready container is only reported not ready
// after several failures in a row. The app's keep-alive (65 s) outlives the probe interval.
import http from 'node:http';
import { BoundedReadError, boundedRequest } from '../http-client/bounded-request.js';

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

/** A heartbeat answer is a few bytes of JSON; a longer one is read no further. */
export const PROBE_ANSWER_MAX_BYTES = 16 * 1024;

async function attempt(ip: string, port: number, path: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult & { staleSocket?: boolean }> {
  try {
    // A complete answer hands its socket back to the pool for the next probe; a failed read
    // (deadline, too large, socket error) destroys it.
    const res = await boundedRequest({ host: ip, port, path, agent, signal, maxBytes: PROBE_ANSWER_MAX_BYTES, deadlineMs: timeoutMs });
    return { ok: res.status === 200, detail: `HTTP ${res.status}` };
  } catch (err) {
    if (!(err instanceof BoundedReadError)) return { ok: false, detail: signal?.aborted ? 'aborted' : (err as Error).message };
    if (err.kind === 'deadline') return { ok: false, detail: 'timeout' };
    if (err.kind === 'too-large') return { ok: false, detail: err.message };
    const stale = err.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
    return { ok: false, detail: err.message, ...(stale ? { staleSocket: true } : {}) };
  }
}
