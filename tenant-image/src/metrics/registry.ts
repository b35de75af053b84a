// The tenant app's metrics registry and every metric it measures, one line each; served as
// Prometheus text on GET /__berth/metrics, which, like every /__berth/ endpoint, answers only
// requests that did not come through Traefik (the control plane or the host, straight to the
// container's address).
import { createRegistry } from '@berth/common/metrics';

export const metrics = createRegistry();

export const httpRequests = metrics.counter<'method' | 'route' | 'status'>('berth_tenant_http_requests_total', 'Requests answered, by method, route pattern and status class (2xx, 4xx, ...).', { labels: ['method', 'route', 'status'] });
export const httpSeconds = metrics.histogram<'route'>('berth_tenant_http_request_duration_seconds', 'Time to answer a request, by route pattern.', { labels: ['route'], buckets: [0.005, 0.025, 0.1, 0.5, 2.5, 10] });
export const importsFinished = metrics.counter<'outcome'>('berth_tenant_imports_total', 'CSV imports finished, by outcome (succeeded, failed, cancelled).', { labels: ['outcome'] });
export const importRows = metrics.counter('berth_tenant_import_rows_total', 'Rows written by successful CSV imports.');
export const importSeconds = metrics.histogram('berth_tenant_import_duration_seconds', 'Duration of a successful CSV import (start to rows committed).', { buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });
metrics.gauge('berth_tenant_process_resident_memory_bytes', 'Resident set size of the tenant app.', { collect: () => process.memoryUsage.rss() });

for (const outcome of ['succeeded', 'failed', 'cancelled']) importsFinished.inc({ outcome }, 0);
