// The control plane's calls to a tenant app's restore endpoints (tenant-image
// restore-control-routes.ts), straight to the container's address, never through Traefik.
// The app's answers are small JSON read within a byte and time bound; its refusals (no such
// table, a reserved name) come back as the same kind of error for the owner to read.
import { BerthError, type ErrorCode } from '../errors.js';
import { boundedRequest } from '../http-client/bounded-request.js';
import { APP_PORT } from '../tenants/container-spec.js';

export interface TableRestoreAnswer {
  readonly table: string;
  readonly restoredAs: string;
  readonly keptAs: string | null;
  readonly rows: number;
  readonly at: number;
}

export interface DatabaseCopyAnswer {
  readonly file: string;
  readonly bytes: number;
  readonly ms: number;
}

export interface ActorRef {
  readonly userId: string;
  readonly email: string;
}

const ANSWER_MAX_BYTES = 64 * 1024;

export async function callTenant<T>(ip: string, path: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const payload = JSON.stringify(body ?? {});
  let res;
  try {
    res = await boundedRequest({
      host: ip, port: APP_PORT, path, method: 'POST', agent: false, signal, body: payload, maxBytes: ANSWER_MAX_BYTES, deadlineMs: timeoutMs,
      headers: { connection: 'close', 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new BerthError('RESTORE_FAILED', `the instance did not answer ${path}: ${(err as Error).message}`, undefined, { cause: err });
  }
  const text = res.body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BerthError('RESTORE_FAILED', `the instance answered ${path} with HTTP ${res.status} and no JSON`);
  }
  if (res.status >= 300) {
    const message = (json as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`;
    throw new BerthError(codeFor(res.status), `the instance refused: ${message}`);
  }
  return json as T;
}

function codeFor(status: number): ErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 400 || status === 422) return 'VALIDATION_FAILED';
  return 'RESTORE_FAILED';
}
