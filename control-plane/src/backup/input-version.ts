// The backup pass's inputs in SQLite (tenants, what the reconciler observed of them, lineages)
// change rarely; a counter kept by triggers (migration 702) says whether they did since the
// last pass looked, so a quiet pass reads one row instead of every tenant.
import type { Db } from '../db/open-database.js';

export function readInputVersion(db: Db): number {
  const row = db.prepare('SELECT version FROM backup_input_version WHERE id = 1').get() as { version: number } | undefined;
  return row?.version ?? 0;
}
