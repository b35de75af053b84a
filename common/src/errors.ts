// The shape both apps give their closed set of errors: each error has a stable code (part of
// the API) and an HTTP status, declared once in the app's catalogue, and reaches clients in
// one envelope:
//   { "error": { "code": "...", "message": "...", "details"?: {...} } }
export interface ErrorSpec {
  readonly status: number;
  readonly help: string;
}

export type ErrorCatalogue = Readonly<Record<string, ErrorSpec>>;

/** Base of each app's error class; the app fixes C to the codes of its catalogue. */
export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ErrorEnvelope<C extends string = string> {
  error: { code: C; message: string; details?: Record<string, unknown> };
}

export function toEnvelope<C extends string>(err: CodedError<C>): ErrorEnvelope<C> {
  return { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
}
