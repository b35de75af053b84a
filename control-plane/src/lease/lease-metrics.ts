// The lease row on /metrics: refilled at each scrape from the database, so every process (not
// only the holder) reports who holds the lease and when it was last renewed.
import type { Db } from '../db/open-database.js';
import { leaseHolder, leaseLastRenewal } from '../metrics/registry.js';
import { readLease } from './lease-store.js';

export function refreshLeaseMetrics(db: Db): void {
  const row = readLease(db);
  leaseHolder.reset();
  if (!row) return;
  leaseHolder.set(row.epoch, { holder: row.holder });
  leaseLastRenewal.set(row.renewedAt / 1000);
}
