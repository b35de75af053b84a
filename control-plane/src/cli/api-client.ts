// The CLI's connection to the local control plane: 127.0.0.1:<BERTH_HTTP_PORT>, authenticated
// with the operator token the control plane wrote into <BERTH_STATE_DIR>/operator.token.
import type { Config } from '../config.js';
import { operatorTokenPath, readOperatorToken } from '../rollout/operator-token.js';

export class CliError extends Error {}

export interface ControlPlaneClient {
  readonly baseUrl: string;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Opens a server-sent-events stream; resolves with the response once headers arrived. */
  stream(path: string, lastEventId: string | null, signal: AbortSignal): Promise<Response>;
}

export function connect(config: Pick<Config, 'httpPort' | 'stateDir'>): ControlPlaneClient {
  const baseUrl = `http://127.0.0.1:${config.httpPort}`;
  const auth = () => {
    let token: string | null;
    try {
      token = readOperatorToken(config.stateDir);
    } catch (err) {
      throw new CliError(`cannot read ${operatorTokenPath(config.stateDir)}: ${(err as Error).message} (run as the user that runs berth, usually root)`);
    }
    if (!token) throw new CliError(`no operator token at ${operatorTokenPath(config.stateDir)}: is the control plane running? (./berth up)`);
    return `Bearer ${token}`;
  };
  const send = async (method: string, path: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(`${baseUrl}${path}`, { method, ...init, headers: { authorization: auth(), ...(init.headers as Record<string, string>) } });
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`cannot reach the control plane at ${baseUrl}: ${(err as Error).cause ?? (err as Error).message}`);
    }
  };
  return {
    baseUrl,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(method, path, body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      const parsed = text ? (JSON.parse(text) as unknown) : null;
      if (!res.ok) {
        const e = (parsed as { error?: { code: string; message: string } } | null)?.error;
        throw new CliError(e ? `${e.message} (${e.code})` : `HTTP ${res.status} from ${path}`);
      }
      return parsed as T;
    },
    async stream(path, lastEventId, signal) {
      const res = await send('GET', path, { headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal });
      if (!res.ok || !res.body) throw new CliError(`HTTP ${res.status} opening ${path}`);
      return res;
    },
  };
}
