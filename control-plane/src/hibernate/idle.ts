// When an awake tenant counts as idle: pure, so the hibernator's rule is table-tested.
import type { AwakeTenant } from '../tenants/tenant-store.js';

/**
 * The start of the tenant's current idle period: its last authenticated request (as flushed
 * to SQLite by the web side, at most one flush interval old), its creation, its last wake,
 * the moment its container became ready (a slow start does not eat the period), and the
 * start of the hibernator's term (a request a crash kept from being flushed is unknown, so
 * every tenant then gets a whole period rather than being put to sleep early).
 */
export function idleSince(tenant: AwakeTenant, termStart: number): number {
  return Math.max(tenant.createdAt, tenant.lastRequestAt ?? 0, tenant.asleepChangedAt ?? 0, tenant.readyAt ?? 0, termStart);
}

/** Idle for at least hibernateAfterMs (0 turns hibernation off). */
export function isIdle(tenant: AwakeTenant, termStart: number, now: number, hibernateAfterMs: number): boolean {
  return hibernateAfterMs > 0 && now - idleSince(tenant, termStart) >= hibernateAfterMs;
}

/**
 * How often the hibernator looks and the web side flushes last-request times: a quarter of
 * the idle period, between 250 ms and 30 s (so a flushed time is at most 30 s old).
 */
export function sweepIntervalMs(hibernateAfterMs: number): number {
  return Math.min(30_000, Math.max(250, Math.floor(hibernateAfterMs / 4)));
}
