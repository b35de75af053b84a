// The CLI's connection to the local control plane: 127.0.0.1:<BERTH_HTTP_PORT>, authenticated
// with the operator token the control plane wrote into <BERTH_STATE_DIR>/operator.token.
// Failures map onto the CLI's exit codes: nothing listening is UnreachableError (3), a value
// the API refuses as invalid (400, 422) is UsageError (2), any other refusal CliError (1).
import type { Config } from '../config.js';
import { operatorTokenPath, readOperatorToken } from '../rollout/operator-token.js';
import { CliError, UnreachableError, UsageError } from './cli-errors.js';

export { CliError, UnreachableError, UsageError };

export interface ControlPlaneClient {
  readonly baseUrl: string;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Opens a server-sent-events stream; resolves with the response once headers arrived. */
  stream(path: string, lastEventId: string | null, signal: AbortSignal): Promise<Response>;
}

export function controlPlaneUrl(config: Pick<Config, 'httpPort'>): string {
  return `http://127.0.0.1:${config.httpPort}`;
}

export function connect(config: Pick<Config, 'httpPort' | 'stateDir'>): ControlPlaneClient {
  const baseUrl = controlPlaneUrl(config);
  const unreachable = (err: unknown) =>
    new UnreachableError(`cannot reach the control plane at ${baseUrl}: ${String((err as Error).cause ?? (err as Error).message)} (is it running? ./berth status)`);
  const auth = async () => {
    let token: string | null;
    try {
      token = readOperatorToken(config.stateDir);
    } catch (err) {
      throw new CliError(`cannot read ${operatorTokenPath(config.stateDir)}: ${(err as Error).message} (run as the user that runs berth, usually root)`);
    }
    if (token) return `Bearer ${token}`;
    // No token yet usually means no control plane yet: say which, with the matching exit code.
    try {
      await fetch(`${baseUrl}/__lbheartbeat__`);
    } catch (err) {
      throw unreachable(err);
    }
    throw new CliError(`no operator token at ${operatorTokenPath(config.stateDir)}, yet something answers at ${baseUrl}: is BERTH_STATE_DIR the control plane's?`);
  };
  const send = async (method: string, path: string, init: RequestInit): Promise<Response> => {
    const authorization = await auth();
    try {
      return await fetch(`${baseUrl}${path}`, { method, ...init, headers: { authorization, ...(init.headers as Record<string, string>) } });
    } catch (err) {
      if ((init.signal as AbortSignal | undefined)?.aborted) throw err;
      throw unreachable(err);
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
        const message = e ? `${e.message} (${e.code})` : `HTTP ${res.status} from ${path}`;
        throw res.status === 400 || res.status === 422 ? new UsageError(message) : new CliError(message);
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

/** A client whose settings are read on first use, so `--help` works whatever the environment. */
export function lazyClient(open: () => ControlPlaneClient): ControlPlaneClient {
  let client: ControlPlaneClient | null = null;
  const get = () => (client ??= open());
  return {
    get baseUrl() {
      return get().baseUrl;
    },
    json: (method, path, body) => get().json(method, path, body),
    stream: (path, lastEventId, signal) => get().stream(path, lastEventId, signal),
  };
}
