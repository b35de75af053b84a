// Sliding-window rate limits kept in SQLite, shared by log-in and sign-up. Each counted
// attempt is a row (key, at) in login_failures — the table predates sign-up limits; migrations
// are append-only, so it keeps its name and holds every rule's rows (log-in's `known` rule
// records successes: addresses an account logged in from). A key is
// `<rule kind>:<subject>`, so each rule's rows form one index range of (key, at).
import type { Db } from '../db/open-database.js';

export interface ThrottleRule {
  /** Key prefix, unique per rule (e.g. `address` for log-in failures by client address). */
  readonly kind: string;
  readonly limit: number;
  readonly windowMs: number;
}

const keyOf = (rule: ThrottleRule, subject: string) => `${rule.kind}:${subject}`;

/**
 * Seconds until another attempt is allowed, given the attempt times of one key (newest
 * first), or 0 if allowed now. The limit-th newest attempt is the one whose expiry lets the
 * count drop below the limit.
 */
export function computeRetryAfterS(attemptsNewestFirst: readonly number[], limit: number, windowMs: number, now: number): number {
  const pivot = attemptsNewestFirst[limit - 1];
  if (pivot === undefined || pivot <= now - windowMs) return 0;
  return Math.max(1, Math.ceil((pivot + windowMs - now) / 1000));
}

/** Seconds to wait before `subject` may try again under `rule` (0: go ahead). */
export function throttleRetryAfterS(db: Db, rule: ThrottleRule, subject: string, now: number): number {
  const recent = db
    .prepare('SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?')
    .pluck()
    .all(keyOf(rule, subject), now - rule.windowMs, rule.limit) as number[];
  return computeRetryAfterS(recent, rule.limit, rule.windowMs, now);
}

/** Whether `subject` has an attempt under `rule` inside its window. */
export function seenWithin(db: Db, rule: ThrottleRule, subject: string, now: number): boolean {
  return db.prepare('SELECT 1 FROM login_failures WHERE key = ? AND at > ? LIMIT 1').get(keyOf(rule, subject), now - rule.windowMs) !== undefined;
}

/**
 * Counts one attempt of `subject` under `rule`, pruning that rule's rows that left the window
 * so the table stays bounded between sweeps. Returns the row's id. Call inside writeTx.
 */
export function recordAttempt(db: Db, rule: ThrottleRule, subject: string, now: number): number {
  pruneRule(db, rule, now);
  return Number(db.prepare('INSERT INTO login_failures (key, at) VALUES (?, ?)').run(keyOf(rule, subject), now).lastInsertRowid);
}

/** Gives back attempts by the row ids recordAttempt returned. Call inside writeTx. */
export function deleteAttempts(db: Db, rowIds: readonly number[]): void {
  const del = db.prepare('DELETE FROM login_failures WHERE rowid = ?');
  for (const id of rowIds) del.run(id);
}

/** Forgets every attempt of `subject` under `rule`. Call inside writeTx. */
export function clearAttempts(db: Db, rule: ThrottleRule, subject: string): void {
  db.prepare('DELETE FROM login_failures WHERE key = ?').run(keyOf(rule, subject));
}

/** Deletes the rule's rows older than its window; returns how many. Call inside writeTx. */
export function pruneRule(db: Db, rule: ThrottleRule, now: number): number {
  // ';' sorts right after ':', so [kind:, kind;) is exactly this rule's keys.
  return db
    .prepare('DELETE FROM login_failures WHERE key >= ? AND key < ? AND at <= ?')
    .run(`${rule.kind}:`, `${rule.kind};`, now - rule.windowMs).changes;
}
