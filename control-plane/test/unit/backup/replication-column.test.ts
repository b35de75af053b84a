// The admin page's "Last replicated" column (pure) and the replication series on /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackupStatus } from '../../../src/backup/backup-supervisor.js';
import { refreshBackupMetrics } from '../../../src/metrics/backup-metrics.js';
import { metrics } from '../../../src/metrics/registry.js';
import { replicationCell, replicationView } from '../../../src/pages/replication-column.js';

const now = Date.UTC(2026, 11, 4, 12, 0, 0);
const status: BackupStatus = {
  ok: false, worstLagMs: 42_000, worstSlug: 'late', detail: 'x',
  tenants: [
    { slug: 'fresh', lineageId: 1, lastReplicatedAt: now - 1200, lagMs: 1200, problem: null, parked: false },
    { slug: 'late', lineageId: 2, lastReplicatedAt: now - 42_000, lagMs: 42_000, problem: null, parked: false },
    { slug: 'lost', lineageId: null, lastReplicatedAt: null, lagMs: 5000, problem: 'volume replaced since backup lineage 3 began', parked: false },
    { slug: 'sleeper', lineageId: 4, lastReplicatedAt: now - 3_600_000, lagMs: 0, problem: null, parked: true },
  ],
};

test('the column: when, red past the limit or with a problem, and nothing claimed where replication does not run', () => {
  const v = replicationView(status, 10_000, now);
  const fresh = String(replicationCell('fresh', 'running', v));
  assert.match(fresh, /title="2026-12-04T11:59:58\.800Z"/);
  assert.match(fresh, /data-state="healthy">1 s ago</);
  assert.match(String(replicationCell('late', 'running', v)), /data-state="failed">42 s ago</);
  const lost = String(replicationCell('lost', 'running', v));
  assert.match(lost, /data-state="failed">never</);
  assert.match(lost, /volume replaced since backup lineage 3 began/);
  assert.match(String(replicationCell('gone', 'deleted', v)), /—/);
  // Asleep an hour, parked: healthy, and says why nothing newer is expected.
  assert.match(String(replicationCell('sleeper', 'running', v)), /data-state="healthy">60 min ago<\/span> <span class="muted">asleep: replica complete</);
  assert.doesNotMatch(fresh, /asleep/);
  assert.match(String(replicationCell('fresh', 'running', replicationView(null, 10_000, now))), /shown by the lease holder/);
});

test('/metrics: each tenant\'s lag and last replicated moment, the worst lag; none where replication does not run', () => {
  refreshBackupMetrics(status);
  const text = metrics.render();
  assert.match(text, /^berth_backup_replication_lag_seconds\{tenant="late"\} 42$/m);
  assert.match(text, /^berth_backup_last_replicated_timestamp_seconds\{tenant="fresh"\} 1796385598\.8$/m);
  assert.doesNotMatch(text, /^berth_backup_last_replicated_timestamp_seconds\{tenant="lost"\}/m);
  assert.match(text, /^berth_backup_worst_replication_lag_seconds 42$/m);
  refreshBackupMetrics(null);
  assert.doesNotMatch(metrics.render(), /^berth_backup_(replication_lag|worst_replication_lag)_seconds/m);
});
