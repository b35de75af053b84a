// Messages between the app and its SQL query process.
export interface SqlRequest {
  readonly id: number;
  readonly dbPath: string;
  readonly busyTimeoutMs: number;
  readonly sql: string;
  readonly params: Record<string, string>;
  readonly rowCap: number;
}

export interface SqlResult {
  readonly columns: string[];
  readonly rows: unknown[][];
  /** True when the query had more rows than the cap. */
  readonly truncated: boolean;
  readonly elapsedMs: number;
}

export type SqlResponse =
  | { id: number; ok: true; result: SqlResult }
  | { id: number; ok: false; code: 'SQL_REJECTED' | 'SQL_ERROR'; message: string };
