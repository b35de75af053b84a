// The load and the check of the "two copies on one database" proof, kept apart from how the
// copies are started so the same functions run against two local processes or two containers.
// Writers POST rows carrying a unique (client, seq) pair; a write counts as acknowledged only
// on a 2xx, which the app sends after COMMIT.
import Database from 'better-sqlite3';

export interface WriteTarget {
  readonly baseUrl: string;
  readonly headers: Record<string, string>;
}

export interface WriteLoadResult {
  readonly acked: Array<{ client: string; seq: number }>;
  readonly failures: Array<{ client: string; seq: number; status: number; body: string }>;
  /** Failures whose body mentions SQLITE_BUSY or TOO_BUSY: must be 0. */
  readonly busy: number;
}

/** clients writers per target, each sending perClient sequential writes, bounded by deadlineMs. */
export async function runConcurrentWriters(
  targets: readonly WriteTarget[],
  opts: { table: string; clientsPerTarget: number; perClient: number; deadlineMs: number; runId: string },
): Promise<WriteLoadResult> {
  const acked: WriteLoadResult['acked'] = [];
  const failures: WriteLoadResult['failures'] = [];
  const deadline = Date.now() + opts.deadlineMs;
  const writer = async (target: WriteTarget, client: string) => {
    for (let seq = 1; seq <= opts.perClient && Date.now() < deadline; seq++) {
      let status = 0;
      let body = '';
      try {
        const res = await fetch(`${target.baseUrl}/api/tables/${encodeURIComponent(opts.table)}/rows`, {
          method: 'POST',
          headers: { ...target.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ rows: [{ client, seq }] }),
        });
        status = res.status;
        body = await res.text();
      } catch (err) {
        body = String(err);
      }
      if (status >= 200 && status < 300) acked.push({ client, seq });
      else failures.push({ client, seq, status, body: body.slice(0, 300) });
    }
  };
  await Promise.all(targets.flatMap((t, ti) => Array.from({ length: opts.clientsPerTarget }, (_, ci) => writer(t, `${opts.runId}-t${ti}-c${ci}`))));
  return { acked, failures, busy: failures.filter((f) => /SQLITE_BUSY|TOO_BUSY/.test(f.body)).length };
}

export interface WriteCheck {
  readonly missing: Array<{ client: string; seq: number }>;
  readonly duplicated: Array<{ client: string; seq: number; copies: number }>;
  readonly integrity: string;
}

/** Every acknowledged (client, seq) exactly once in the table, and PRAGMA integrity_check. */
export function verifyWrites(dbPath: string, table: string, acked: WriteLoadResult['acked']): WriteCheck {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const counts = new Map<string, number>();
    const quoted = `"${table.replaceAll('"', '""')}"`;
    for (const r of db.prepare(`SELECT client, seq, count(*) AS n FROM ${quoted} GROUP BY client, seq`).all() as Array<{ client: string; seq: number; n: number }>) {
      counts.set(`${r.client}\u0000${r.seq}`, r.n);
    }
    const missing = acked.filter((a) => !counts.has(`${a.client}\u0000${a.seq}`));
    const duplicated = [...counts.entries()].filter(([, n]) => n > 1).map(([k, n]) => {
      const [client, seq] = k.split('\u0000');
      return { client: client!, seq: Number(seq), copies: n };
    });
    return { missing, duplicated, integrity: db.pragma('integrity_check', { simple: true }) as string };
  } finally {
    db.close();
  }
}
