// The closed set of errors the control plane reports. Each has a stable code (part of the API)
// and an HTTP status; the HTTP layer maps them once, into the one envelope of
// @berth/common/errors: { "error": { "code": "...", "message": "...", "details"?: {...} } }
import { CodedError, toEnvelope, type ErrorEnvelope as CodedErrorEnvelope, type ErrorSpec } from '@berth/common/errors';

export const ERRORS = {
  BAD_REQUEST: { status: 400, help: 'The request was malformed or failed validation.' },
  VALIDATION_FAILED: { status: 422, help: 'A field was well-formed but not acceptable; details name the field.' },
  UNAUTHENTICATED: { status: 401, help: 'No valid session or token.' },
  FORBIDDEN: { status: 403, help: 'Authenticated, but not allowed (not a member, not an admin).' },
  CSRF_FAILED: { status: 403, help: 'The CSRF token was missing or did not match.' },
  NOT_FOUND: { status: 404, help: 'No such resource, or not visible to you.' },
  CONFLICT: { status: 409, help: 'The resource already exists or is in a state that forbids the change.' },
  SLUG_TAKEN: { status: 409, help: 'Another instance already uses that subdomain.' },
  INSTANCE_LIMIT: { status: 409, help: 'The account already owns as many instances as BERTH_MAX_INSTANCES_PER_ACCOUNT allows; delete one first.' },
  DISK_FULL: { status: 503, help: 'The host is low on disk space (below BERTH_MIN_FREE_DISK_MIB free); writes that would grow it are refused until space is freed.' },
  EMAIL_TAKEN: { status: 409, help: 'An account with that email already exists.' },
  INVITE_LIMIT: { status: 429, help: 'Too many invitations by this person or to this instance (BERTH_INVITE_LIMIT_PER_INVITER, BERTH_INVITE_LIMIT_PER_INSTANCE); retry after the time given in Retry-After.' },
  RATE_LIMITED: { status: 429, help: 'Too many attempts; retry after the time given in Retry-After.' },
  DOCKER_UNAVAILABLE: { status: 503, help: 'The Docker engine did not answer.' },
  DOCKER_REFUSED: { status: 502, help: 'The Docker engine refused an operation; details carry its status and message.' },
  NOT_OWNED: { status: 409, help: "A Docker object does not carry this installation's ownership labels, so berth left it alone." },
  FIREWALL_FAILED: { status: 503, help: 'iptables refused the tenant egress rules; no tenant container starts until they are in place.' },
  TRAEFIK_UNAVAILABLE: { status: 503, help: "Traefik's API did not answer or did not apply a route in time." },
  ROLLOUT_FAILED: { status: 500, help: 'A rollout step failed; the tenant was rolled back.' },
  INTERNAL: { status: 500, help: 'An unexpected error; it was logged.' },
  UNSAFE_ROLLOUT_REFUSED: { status: 422, help: 'A rollout asked for a negative-control mode (unsafe) while BERTH_ALLOW_UNSAFE_ROLLOUTS is false.' },
  ROLLOUT_IN_PROGRESS: { status: 409, help: 'Another rollout is still running; wait for it or cancel it first.' },
  NO_BACKUP: { status: 404, help: 'No backup of that tenant covers the moment asked for (or nothing to undo).' },
  INSTANCE_ASLEEP: { status: 503, help: 'The instance is hibernated and only a signed-in member or a valid token wakes it; retry after signing in (Retry-After).' },
  WAKE_FAILED: { status: 503, help: 'A hibernated instance did not become ready within BERTH_READY_TIMEOUT_MS; retry after the time given in Retry-After.' },
  UPSTREAM_FAILED: { status: 502, help: 'A woken instance the waker forwarded a request to (before Traefik served its route) broke the connection before answering in full.' },
  RESTORE_FAILED: { status: 500, help: "A restore failed; the tenant's database was left as it was (or put back) and the tenant restarted." },
  LEASE_LOST: { status: 503, help: 'A background write was refused: this process no longer holds the background-work lease (fencing). Its loops stop; the holder carries on.' },
  NOT_LEASE_HOLDER: { status: 503, help: 'The operation runs only in the process holding the background-work lease (a restore); ask that process, or retry once this one holds it.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class BerthError extends CodedError<ErrorCode> {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(code, ERRORS[code].status, message, details, options);
    this.name = 'BerthError';
  }
}

export type ErrorEnvelope = CodedErrorEnvelope<ErrorCode>;
export { toEnvelope };
