// The closed set of errors the tenant app reports. Each has a stable code (part of the API)
// and an HTTP status; the HTTP layer maps them once, into the one envelope of
// @berth/common/errors: { "error": { "code": "...", "message": "...", "details"?: {...} } }
import { CodedError, toEnvelope, type ErrorEnvelope as CodedErrorEnvelope, type ErrorSpec } from '@berth/common/errors';
// The CSV import's error class only (no imports of its own): the rest of src/csv-import stays lazily loaded.
import { ImportError, type ImportErrorCode } from './csv-import/import-errors.js';

export const ERRORS = {
  BAD_REQUEST: { status: 400, help: 'The request was malformed or failed validation.' },
  VALIDATION_FAILED: { status: 422, help: 'A field was well-formed but not acceptable; details name the field.' },
  UNAUTHENTICATED: { status: 401, help: 'No identity: neither a control-plane session nor a valid API token.' },
  FORBIDDEN: { status: 403, help: "Authenticated, but the role (or the API token's read scope) does not allow it; details name the action and role." },
  CSRF_FAILED: { status: 403, help: 'A cookie-authenticated unsafe request did not come from this origin.' },
  CONTROL_PLANE_ONLY: { status: 403, help: 'A /__berth/ endpoint was called through the proxy (X-Forwarded-For present).' },
  NOT_FOUND: { status: 404, help: 'No such table, row, upload, import or route.' },
  CONFLICT: { status: 409, help: 'The resource is in a state that forbids the change (e.g. the table already exists).' },
  PAYLOAD_TOO_LARGE: { status: 413, help: 'The upload or a field exceeds a configured limit; details say which.' },
  DATA_LIMIT: { status: 413, help: "The instance's uploads and database together would pass BERTH_MAX_DATA_MIB; details give the limit and the bytes in use." },
  TOO_MANY_UPLOADS: { status: 429, help: 'BERTH_MAX_UPLOADS_IN_FLIGHT uploads are already streaming in; retry when one has finished.' },
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

/**
 * How the app reports each import error: one entry per ImportErrorCode (the type makes a missing
 * one a compile error, and test/unit/import-error-codes.test.ts a failing test). The import's own
 * code stays in details.reason, with the line and column.
 */
export const IMPORT_ERROR_CODES: Readonly<Record<ImportErrorCode, ErrorCode>> = {
  CSV_EMPTY_FILE: 'IMPORT_FAILED',
  CSV_RAGGED_ROW: 'IMPORT_FAILED',
  CSV_UNTERMINATED_QUOTE: 'IMPORT_FAILED',
  CSV_INVALID_ENCODING: 'IMPORT_FAILED',
  CSV_NUL_BYTE: 'IMPORT_FAILED',
  CSV_TYPE_MISMATCH: 'IMPORT_FAILED',
  CSV_INVALID_PLAN: 'IMPORT_FAILED',
  CSV_FIELD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  CSV_TOO_MANY_COLUMNS: 'PAYLOAD_TOO_LARGE',
  CSV_TOO_MANY_ROWS: 'PAYLOAD_TOO_LARGE',
  CSV_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  CSV_HEADER_CHANGED: 'CONFLICT',
  CSV_APPEND_INCOMPATIBLE: 'CONFLICT',
  CSV_TABLE_EXISTS: 'CONFLICT',
  CSV_TABLE_NOT_FOUND: 'NOT_FOUND',
  CSV_CANCELLED: 'IMPORT_CANCELLED',
  // Nothing was written; the job record says CSV_INTERRUPTED so the person starts it again.
  CSV_INTERRUPTED: 'INTERNAL',
  CSV_INTERNAL: 'INTERNAL',
};

/** Maps anything thrown into the closed set; unknown errors become INTERNAL (the caller logs them). */
export function toBerthError(err: unknown): BerthError {
  if (err instanceof BerthError) return err;
  if (err instanceof ImportError) {
    const details: Record<string, unknown> = { reason: err.code };
    if (err.line != null) details.line = err.line;
    if (err.column != null) details.column = err.column;
    return new BerthError(IMPORT_ERROR_CODES[err.code], err.message, details, { cause: err });
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
    return new BerthError('TOO_BUSY', 'the database is busy; retry shortly', { sqlite: code }, { cause: err });
  }
  return new BerthError('INTERNAL', 'internal error', undefined, { cause: err });
}
