// The closed set of errors the tenant app reports. Each has a stable code (part of the API)
// and an HTTP status; the HTTP layer maps them once, into the one envelope of
// @berth/common/errors: { "error": { "code": "...", "message": "...", "details"?: {...} } }
import { CodedError, toEnvelope, type ErrorEnvelope as CodedErrorEnvelope, type ErrorSpec } from '@berth/common/errors';

export const ERRORS = {
  BAD_REQUEST: { status: 400, help: 'The request was malformed or failed validation.' },
  VALIDATION_FAILED: { status: 422, help: 'A field was well-formed but not acceptable; details name the field.' },
  UNAUTHENTICATED: { status: 401, help: 'No identity: neither a control-plane session nor a valid API token.' },
  FORBIDDEN: { status: 403, help: 'Authenticated, but not allowed (e.g. creating a token with a token).' },
  CSRF_FAILED: { status: 403, help: 'A cookie-authenticated unsafe request did not come from this origin.' },
  CONTROL_PLANE_ONLY: { status: 403, help: 'A /__berth/ endpoint was called through the proxy (X-Forwarded-For present).' },
  NOT_FOUND: { status: 404, help: 'No such table, row, upload, import or route.' },
  CONFLICT: { status: 409, help: 'The resource is in a state that forbids the change (e.g. the table already exists).' },
  PAYLOAD_TOO_LARGE: { status: 413, help: 'The upload or a field exceeds a configured limit; details say which.' },
  IMPORT_FAILED: { status: 422, help: 'The CSV could not be imported; details carry the reason, line and column. Nothing was written.' },
  IMPORT_CANCELLED: { status: 409, help: 'The import was cancelled; nothing was written.' },
  SQL_REJECTED: { status: 400, help: 'The SQL is not a single read-only query (writes, ATTACH, PRAGMA and the like are refused).' },
  SQL_ERROR: { status: 400, help: 'SQLite rejected the query; the message is SQLite\'s.' },
  SQL_TIME_LIMIT: { status: 400, help: 'The query ran longer than the SQL time limit and was stopped.' },
  TOO_BUSY: { status: 503, help: 'Too many queries or imports are running; retry shortly.' },
  SHUTTING_DOWN: { status: 503, help: 'The process is stopping; the request was not started.' },
  INTERNAL: { status: 500, help: 'An unexpected error; it was logged.' },
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

/** The shape the CSV import module's ImportError has; matched structurally so this file needs no import of it. */
interface ImportErrorLike {
  name: string;
  code: string;
  status?: number;
  line?: number | null;
  column?: number | string | null;
  message: string;
}

function isImportError(err: unknown): err is ImportErrorLike {
  return err instanceof Error && err.name === 'ImportError' && typeof (err as { code?: unknown }).code === 'string';
}

/** Maps anything thrown into the closed set; unknown errors become INTERNAL (the caller logs them). */
export function toBerthError(err: unknown): BerthError {
  if (err instanceof BerthError) return err;
  if (isImportError(err)) {
    const details: Record<string, unknown> = { reason: err.code };
    if (err.line != null) details.line = err.line;
    if (err.column != null) details.column = err.column;
    if (/cancel|abort/i.test(err.code)) return new BerthError('IMPORT_CANCELLED', err.message, details, { cause: err });
    if (err.status === 413) return new BerthError('PAYLOAD_TOO_LARGE', err.message, details, { cause: err });
    if (err.status === 409) return new BerthError('CONFLICT', err.message, details, { cause: err });
    if (err.status === 404) return new BerthError('NOT_FOUND', err.message, details, { cause: err });
    if (err.status !== undefined && err.status >= 500) return new BerthError('INTERNAL', err.message, details, { cause: err });
    return new BerthError('IMPORT_FAILED', err.message, details, { cause: err });
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
    return new BerthError('TOO_BUSY', 'the database is busy; retry shortly', { sqlite: code }, { cause: err });
  }
  return new BerthError('INTERNAL', 'internal error', undefined, { cause: err });
}
