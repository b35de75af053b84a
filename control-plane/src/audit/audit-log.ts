// audit_log: an append-only record of who changed what (people, the reconciler, rollouts).
// This module is its only writer; each line is written inside the transaction of the change
// it describes, so a change and its record commit together or not at all.
import { writeTx, type Db } from '../db/open-database.js';

/** One line of audit_log; call inside the write transaction it describes. */
export function writeAudit(db: Db, now: number, actor: string, action: string, subject: string, detail?: Record<string, unknown>): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)')
    .run(now, actor, action, subject, detail ? JSON.stringify(detail) : null);
}

/** Audit line for a removal the reconciler made (containers of deleted tenants, orphans, routes). */
export function recordRemoval(db: Db, action: 'container.remove' | 'route.remove', subject: string, detail: Record<string, unknown>, now: number): void {
  writeTx(db, () => writeAudit(db, now, 'reconciler', action, subject, detail));
}
