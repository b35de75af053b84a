// The closed set of errors a CSV preview or import can end in. Each has a stable code (part of the
// API) and an HTTP status; the app maps them once into its envelope. `line` is the physical line of
// the file (1 = header), `column` the 1-based field position, when they are meaningful.
export const IMPORT_ERRORS = {
  CSV_EMPTY_FILE: { status: 422, help: 'The file has no header row.' },
  CSV_RAGGED_ROW: { status: 422, help: 'A row has a different number of fields than the header.' },
  CSV_UNTERMINATED_QUOTE: { status: 422, help: 'A quoted field is never closed.' },
  CSV_INVALID_ENCODING: { status: 422, help: 'Bytes are not valid in the chosen encoding.' },
  CSV_NUL_BYTE: { status: 422, help: 'The file contains a NUL byte; it is probably not a text CSV file.' },
  CSV_FIELD_TOO_LARGE: { status: 413, help: 'A field is larger than the configured limit.' },
  CSV_TOO_MANY_COLUMNS: { status: 413, help: 'The header has more columns than the configured limit.' },
  CSV_TOO_MANY_ROWS: { status: 413, help: 'The file has more rows than the configured limit.' },
  CSV_FILE_TOO_LARGE: { status: 413, help: 'The file is larger than the configured limit.' },
  CSV_TYPE_MISMATCH: { status: 422, help: 'A value does not fit the type chosen for its column.' },
  CSV_HEADER_CHANGED: { status: 409, help: 'The file no longer matches the reviewed column plan.' },
  CSV_INVALID_PLAN: { status: 422, help: 'The import plan (table name, column names or types) is not acceptable.' },
  CSV_APPEND_INCOMPATIBLE: { status: 409, help: "The file's columns do not match the table being appended to." },
  CSV_TABLE_EXISTS: { status: 409, help: 'Create mode was chosen but the table already exists.' },
  CSV_TABLE_NOT_FOUND: { status: 404, help: 'Append mode was chosen but the table does not exist.' },
  CSV_CANCELLED: { status: 499, help: 'The import was cancelled; nothing was written.' },
  CSV_INTERRUPTED: { status: 500, help: 'The process importing the file stopped; nothing was written.' },
  CSV_INTERNAL: { status: 500, help: 'An unexpected error; nothing was written.' },
} as const satisfies Record<string, { status: number; help: string }>;

export type ImportErrorCode = keyof typeof IMPORT_ERRORS;

export interface ImportErrorInit {
  line?: number;
  column?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class ImportError extends Error {
  readonly status: number;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: ImportErrorCode,
    message: string,
    init: ImportErrorInit = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ImportError';
    this.status = IMPORT_ERRORS[code].status;
    this.line = init.line;
    this.column = init.column;
    this.details = init.details;
  }

  /** A structured-clone-safe copy, for crossing a worker boundary. */
  toJSON(): SerializedImportError {
    return { code: this.code, message: this.message, line: this.line, column: this.column, details: this.details };
  }

  static fromJSON(s: SerializedImportError): ImportError {
    return new ImportError(s.code, s.message, { line: s.line, column: s.column, details: s.details });
  }
}

export interface SerializedImportError {
  code: ImportErrorCode;
  message: string;
  line: number | undefined;
  column: number | undefined;
  details: Record<string, unknown> | undefined;
}

/** Wraps anything thrown that is not already an ImportError, keeping the original as cause. */
export function toImportError(err: unknown): ImportError {
  if (err instanceof ImportError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ImportError('CSV_INTERNAL', `Import failed unexpectedly: ${message}`, { cause: err });
}

/** "line 12, column 3 (price)" — the location phrase every message uses. */
export function describeLocation(line: number | undefined, column?: number, columnName?: string): string {
  const parts: string[] = [];
  if (line !== undefined) parts.push(`line ${line}`);
  if (column !== undefined) parts.push(`column ${column}${columnName ? ` (${columnName})` : ''}`);
  return parts.join(', ');
}
