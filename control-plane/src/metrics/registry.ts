// The control plane's one metrics registry and every metric it measures. A module that
// measures something imports its metric from here; a new metric is one line below (later
// features — the lease holder, wakes, replication lag — add theirs the same way). Served as
// Prometheus text by GET /metrics (http/metrics-routes.ts), on loopback only.
import { performance } from 'node:perf_hooks';
import { createRegistry, DURATION_BUCKETS } from '@berth/common/metrics';
import { createLoopLag } from './loop-lag.js';

export const metrics = createRegistry();

// Filled from SQLite at each scrape (state-metrics.ts): what the database says now.
export const instancesByState = metrics.gauge<'state'>('berth_instances', 'Tenant instances by state, as the reconciler last recorded it (rolling: held by a rollout).', { labels: ['state'] });
export const rolloutTenants = metrics.gauge<'rollout' | 'state'>('berth_rollout_tenants', 'Tenants of each active rollout (and of the latest finished one) by progress: pending, rolling, done, rolled_back, failed, skipped.', { labels: ['rollout', 'state'] });
export const rolloutsActive = metrics.gauge('berth_rollouts_active', 'Rollouts pending, in canary or running.');
export const instanceCpuCores = metrics.gauge<'tenant'>('berth_instance_cpu_cores', 'CPU used by each running instance, averaged over the last sampling period (cores).', { labels: ['tenant'] });
export const instanceMemoryBytes = metrics.gauge<'tenant'>('berth_instance_memory_bytes', 'Memory of each running instance at its last sample (working set: usage minus inactive file cache).', { labels: ['tenant'] });
export const instanceDiskBytes = metrics.gauge<'tenant'>('berth_instance_disk_bytes', 'Disk used by each instance\'s volume at its last sample.', { labels: ['tenant'] });

export const reconcilePassSeconds = metrics.histogram('berth_reconcile_pass_duration_seconds', 'Duration of one reconcile pass (read Docker and SQLite, plan, start lanes, record status).');
export const reconcileErrors = metrics.counter<'kind'>('berth_reconcile_errors_total', 'Reconcile failures: a whole pass (kind="pass") or one tenant lane\'s step, retried with backoff (kind="step").', { labels: ['kind'] });
export const probeFailures = metrics.counter<'phase'>('berth_probe_failures_total', 'Failed HTTP probes of tenant containers: while a new container starts (phase="startup") or of an established one (phase="established").', { labels: ['phase'] });
export const dockerEventLagSeconds = metrics.histogram('berth_docker_event_lag_seconds', 'Time from a Docker event\'s own timestamp to berth handling it.', { buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
export const dockerEventsLastLagSeconds = metrics.gauge('berth_docker_event_last_lag_seconds', 'Lag of the most recent Docker event handled.');
export const resourceSampleSeconds = metrics.histogram('berth_resource_sample_duration_seconds', 'Duration of sampling one tenant container (stats call and volume size).', { buckets: DURATION_BUCKETS });
export const wakes = metrics.counter('berth_wakes_total', 'Hibernated instances woken (first authenticated request, dashboard button or pin); concurrent first requests count once.');
export const wakeSeconds = metrics.histogram('berth_wake_duration_seconds', 'A wake: marked awake until the waker can forward to its ready container, or Traefik lists its route with one.', { buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30] });
export const hibernations = metrics.counter('berth_hibernations_total', 'Idle instances put to sleep (their count now: berth_instances{state="hibernated"}).');

export const backupLagSeconds = metrics.gauge<'tenant'>('berth_backup_replication_lag_seconds', 'Replication lag of each tenant database: time since Litestream last confirmed its replica up to date (or since it was first wanted, never yet). Only in the process holding the background-work lease.', { labels: ['tenant'] });
export const backupLastReplicatedSeconds = metrics.gauge<'tenant'>('berth_backup_last_replicated_timestamp_seconds', 'Last moment Litestream confirmed each tenant database replicated (unix seconds).', { labels: ['tenant'] });
export const backupWorstLagSeconds = metrics.gauge('berth_backup_worst_replication_lag_seconds', 'The worst replication lag of all tenant databases, which /__heartbeat__ compares with BERTH_BACKUP_LAG_LIMIT_S. Only in the lease holder.');

export const leaseHeld = metrics.gauge('berth_lease_held', '1 while this process holds the background-work lease (runs the reconciler, rollouts, prober, sweeps), else 0.');
export const leaseRenewals = metrics.counter<'outcome'>('berth_lease_renewals_total', 'Lease attempts of this process that changed or kept its hold: acquired, renewed, lost (refused, or a write fenced off), late (stopped: renewal later than TTL/2).', { labels: ['outcome'] });
export const leaseHolder = metrics.gauge<'holder'>('berth_lease_holder', 'The lease holder as the database says at the scrape (value: its fencing epoch); no series while no process ever took it.', { labels: ['holder'] });
export const leaseLastRenewal = metrics.gauge('berth_lease_last_renewal_timestamp_seconds', "The holder's last renewal of the lease (unix seconds), as the database says at the scrape.");

for (const kind of ['pass', 'step']) reconcileErrors.inc({ kind }, 0);
for (const phase of ['startup', 'established']) probeFailures.inc({ phase }, 0);
for (const outcome of ['acquired', 'renewed', 'lost', 'late']) leaseRenewals.inc({ outcome }, 0);
leaseHeld.set(0);

// The process itself.
const loopLag = createLoopLag();
metrics.gauge('berth_process_resident_memory_bytes', 'Resident set size of the control plane.', { collect: () => process.memoryUsage().rss });
metrics.gauge('berth_process_heap_used_bytes', 'V8 heap in use.', { collect: () => process.memoryUsage().heapUsed });
metrics.counter('berth_process_cpu_seconds_total', 'CPU time of the control plane (user + system).', { collect: () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; } });
metrics.gauge('berth_process_start_time_seconds', 'Start of the control plane (unix seconds).', { collect: () => Math.round(Date.now() / 1000 - process.uptime()) });
metrics.gauge<'stat'>('berth_process_event_loop_lag_seconds', 'Event-loop delay over the last minute (how late a once-a-second timer fired): p50, p99 and max.', {
  labels: ['stat'],
  collect: () => {
    const lag = loopLag.recent();
    return ([['p50', lag.p50], ['p99', lag.p99], ['max', lag.max]] as const).map(([stat, s]) => [{ stat }, s] as const);
  },
});
// libuv's own accounting of time spent running callbacks against waiting: no timer of ours.
let lastElu = performance.eventLoopUtilization();
metrics.gauge('berth_process_event_loop_utilization', 'Share of time the event loop was busy (0-1) since the previous scrape, or since start on the first.', {
  collect: () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, lastElu);
    lastElu = now;
    return since.utilization;
  },
});
