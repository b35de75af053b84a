// The instance's activity: who changed what, and when. Every change made through the app's own
// pages or API writes one entry inside the same writeTx as the change (recordActivity), so the
// log and the data never disagree, and either app copy of a rollout shows the other's changes.
// Imports are already recorded as provenance (_berth_imports); the view merges them in.
import type { Identity } from '../auth/identity.js';
import type { Db } from '../db/open-database.js';

export type ActivityAction =
  | 'cell.edit'
  | 'rows.delete'
  | 'rows.append'
  | 'table.rename'
  | 'table.drop'
  | 'table.restore'
  | 'query.save'
  | 'query.delete'
  | 'import';

export interface ActivityEntry {
  readonly id: string;
  readonly at: number;
  readonly actor: string;
  readonly via: string;
  readonly action: ActivityAction;
  readonly table: string | null;
  readonly rowid: number | null;
  readonly summary: string;
  readonly details: Record<string, unknown>;
}

export type Actor = Pick<Identity, 'userId' | 'email' | 'via'>;

export interface NewActivity {
  readonly action: ActivityAction;
  readonly table?: string | null;
  readonly rowid?: number | null;
  readonly summary: string;
  readonly details?: Record<string, unknown>;
}

/** Inside the change's writeTx. */
export function recordActivity(db: Db, actor: Actor, a: NewActivity): void {
  db.prepare(
    'INSERT INTO _berth_activity (at, actor_id, actor_email, via, action, table_name, row_id, summary, details_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(Date.now(), actor.userId, actor.email, actor.via, a.action, a.table ?? null, a.rowid ?? null, a.summary, JSON.stringify(a.details ?? {}));
}

export interface ActivityQuery {
  readonly table?: string;
  /** Entries strictly older than this time (ms), for the next page. */
  readonly before?: number;
  readonly limit: number;
}

function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

interface Row {
  id: string;
  at: number;
  actor: string;
  via: string;
  action: ActivityAction;
  table_name: string | null;
  row_id: number | null;
  summary: string;
  details_json: string;
}

/** Newest first: the activity entries and the finished imports, merged by time. */
export function listActivity(db: Db, q: ActivityQuery): ActivityEntry[] {
  const parts: string[] = [];
  const params: unknown[] = [];
  const before = q.before ?? Number.MAX_SAFE_INTEGER;
  if (hasTable(db, '_berth_activity')) {
    parts.push(`SELECT 'a' || id AS id, at, actor_email AS actor, via, action, table_name, row_id, summary, details_json
      FROM _berth_activity WHERE at < ?${q.table !== undefined ? ' AND table_name = ?' : ''}`);
    params.push(before, ...(q.table !== undefined ? [q.table] : []));
  }
  if (hasTable(db, '_berth_imports')) {
    // Provenance times are ISO text; as unix ms they sort with the entries above.
    const at = "CAST(round((julianday(finished_at) - 2440587.5) * 86400000) AS INTEGER)";
    parts.push(`SELECT 'i' || id AS id, ${at} AS at, coalesce(actor, '') AS actor, 'import' AS via, 'import' AS action, table_name, NULL AS row_id,
      mode || ' from ' || file_name || ': ' || rows_imported || ' rows' AS summary,
      json_object('importId', id, 'mode', mode, 'file', file_name, 'rows', rows_imported, 'sha256', sha256) AS details_json
      FROM _berth_imports WHERE status = 'succeeded' AND finished_at IS NOT NULL AND ${at} < ?${q.table !== undefined ? ' AND table_name = ?' : ''}`);
    params.push(before, ...(q.table !== undefined ? [q.table] : []));
  }
  if (parts.length === 0) return [];
  const rows = db.prepare(`${parts.join(' UNION ALL ')} ORDER BY at DESC, id DESC LIMIT ?`).all(...params, q.limit) as Row[];
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    via: r.via,
    action: r.action,
    table: r.table_name,
    rowid: r.row_id,
    summary: r.summary,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
  }));
}
