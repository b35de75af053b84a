// Every write here is a short BEGIN IMMEDIATE transaction: a second copy of the app may be writing
// to the same file during a rollout, and IMMEDIATE takes the write lock up front (waiting up to
// busy_timeout) instead of failing half-way with SQLITE_BUSY on lock upgrade.
import type Database from 'better-sqlite3';
import { yieldToWaitingWriters } from '../db/write-turns.js';

export function runImmediate<T>(db: Database.Database, fn: () => T): T {
  // better-sqlite3 would quietly nest this as a SAVEPOINT inside an open transaction, and then
  // nothing commits until that outer one does.
  if (db.inTransaction) throw new Error('runImmediate: a transaction is already open on this connection');
  const result = db.transaction(fn).immediate();
  yieldToWaitingWriters(db.name);
  return result;
}

/** A transaction held open across several synchronous steps (the importer's batches). */
export class BatchTransaction {
  private open = false;
  /** performance.now() at BEGIN. */
  startedAt = 0;

  constructor(private readonly db: Database.Database) {}

  begin(): void {
    if (this.open) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.open = true;
    this.startedAt = performance.now();
  }

  get isOpen(): boolean {
    return this.open;
  }

  commit(): void {
    if (!this.open) return;
    this.db.exec('COMMIT');
    this.open = false;
    // The request thread, or another copy of the app, may be waiting for the lock: let it in
    // before the next batch.
    yieldToWaitingWriters(this.db.name);
  }

  rollback(): void {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }
}
