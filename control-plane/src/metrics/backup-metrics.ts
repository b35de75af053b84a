// Replication of the tenant databases on /metrics: each tenant's lag and last replicated moment,
// and the worst lag (what /__heartbeat__'s backup check compares with BERTH_BACKUP_LAG_LIMIT_S).
// Refilled at each scrape from the backup supervisor, which runs in the lease holder only: in
// any other process the series are absent (the holder's scrape has them), never stale.
import type { BackupStatus } from '../backup/backup-supervisor.js';
import { backupLagSeconds, backupLastReplicatedSeconds, backupWorstLagSeconds } from './registry.js';

export function refreshBackupMetrics(status: BackupStatus | null): void {
  for (const g of [backupLagSeconds, backupLastReplicatedSeconds, backupWorstLagSeconds]) g.reset();
  if (!status) return;
  backupWorstLagSeconds.set(status.worstLagMs / 1000);
  for (const t of status.tenants) {
    backupLagSeconds.set(t.lagMs / 1000, { tenant: t.slug });
    if (t.lastReplicatedAt !== null) backupLastReplicatedSeconds.set(t.lastReplicatedAt / 1000, { tenant: t.slug });
  }
}
