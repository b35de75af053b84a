// Queries kept under a name (_berth_saved_queries), listed on the tables page and run again
// through the read-only SQL page. Saving a name that exists replaces its SQL only when asked.
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/write-tx.js';
import { BerthError } from '../errors.js';
import { recordActivity, type Actor } from './activity-log.js';

export const MAX_QUERY_NAME_CHARS = 80;
export const MAX_QUERY_SQL_CHARS = 20_000;

export interface SavedQuery {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

interface Row {
  id: number;
  name: string;
  sql: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

const toQuery = (r: Row): SavedQuery => ({ id: r.id, name: r.name, sql: r.sql, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at });

export function listSavedQueries(db: Db): SavedQuery[] {
  return (db.prepare('SELECT * FROM _berth_saved_queries ORDER BY name COLLATE NOCASE').all() as Row[]).map(toQuery);
}

export function getSavedQuery(db: Db, id: number): SavedQuery {
  const row = db.prepare('SELECT * FROM _berth_saved_queries WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw new BerthError('NOT_FOUND', `no saved query ${id}`, { id });
  return toQuery(row);
}

/**
 * Saves `sql` under `name`. An existing name is a CONFLICT unless `replace`. The SQL is not run
 * here: it is checked (read-only, one statement) each time it runs, like any other query.
 */
export function saveQuery(db: Db, input: { name: unknown; sql: unknown; replace?: boolean }, actor: Actor): SavedQuery {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const sql = typeof input.sql === 'string' ? input.sql.trim() : '';
  if (name === '' || name.length > MAX_QUERY_NAME_CHARS || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new BerthError('VALIDATION_FAILED', `a saved query needs a name of 1-${MAX_QUERY_NAME_CHARS} characters without control characters`, { field: 'name' });
  }
  if (sql === '') throw new BerthError('VALIDATION_FAILED', 'there is no SQL to save', { field: 'sql' });
  if (sql.length > MAX_QUERY_SQL_CHARS) throw new BerthError('PAYLOAD_TOO_LARGE', `a saved query may have at most ${MAX_QUERY_SQL_CHARS} characters`, { field: 'sql' });
  return writeTx(db, () => {
    const now = Date.now();
    const existing = db.prepare('SELECT * FROM _berth_saved_queries WHERE name = ?').get(name) as Row | undefined;
    if (existing && !input.replace) {
      throw new BerthError('CONFLICT', `a query named "${existing.name}" is already saved; choose another name or replace it`, { name: existing.name, id: existing.id });
    }
    let id: number;
    if (existing) {
      db.prepare('UPDATE _berth_saved_queries SET sql = ?, updated_at = ? WHERE id = ?').run(sql, now, existing.id);
      id = existing.id;
    } else {
      id = Number(db.prepare('INSERT INTO _berth_saved_queries (name, sql, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(name, sql, actor.email, now, now).lastInsertRowid);
    }
    recordActivity(db, actor, { action: 'query.save', summary: `${existing ? 'replaced' : 'saved'} query "${name}"`, details: { id, name, sql, ...(existing ? { previousSql: existing.sql } : {}) } });
    return toQuery(db.prepare('SELECT * FROM _berth_saved_queries WHERE id = ?').get(id) as Row);
  });
}

export function deleteSavedQuery(db: Db, id: number, actor: Actor): void {
  writeTx(db, () => {
    const row = db.prepare('SELECT * FROM _berth_saved_queries WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new BerthError('NOT_FOUND', `no saved query ${id}`, { id });
    db.prepare('DELETE FROM _berth_saved_queries WHERE id = ?').run(id);
    recordActivity(db, actor, { action: 'query.delete', summary: `deleted query "${row.name}"`, details: { id, name: row.name, sql: row.sql } });
  });
}
