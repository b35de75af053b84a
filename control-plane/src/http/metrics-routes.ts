// GET /metrics: the control plane's Prometheus text, for a scraper on this host. Internal like
// the heartbeat's details: answered only to a request addressed to the loopback listener from a
// loopback address; through Traefik (the public control-plane host) it does not exist.
import type { FastifyInstance } from 'fastify';
import { CONTENT_TYPE } from '@berth/common/metrics';
import { BerthError, toEnvelope } from '../errors.js';
import { metrics } from '../metrics/registry.js';
import { refreshStateMetrics } from '../metrics/state-metrics.js';
import { refreshBackupMetrics } from '../metrics/backup-metrics.js';
import { backupStatusHere } from './backup-status-here.js';
import type { AppDeps } from './app-deps.js';
import { isLoopbackHost } from './forward-auth-routes.js';

export const METRICS_PATH = '/metrics';

export function registerMetricsRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(METRICS_PATH, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!isLoopbackHost(req.headers.host) || !isLoopbackAddress(req.socket.remoteAddress)) {
      return reply.status(404).send(toEnvelope(new BerthError('NOT_FOUND', `no route for GET ${METRICS_PATH}`)));
    }
    // Two sampling periods: one sample may legitimately be late by one period.
    refreshStateMetrics(deps.db, Date.now(), { sampleMaxAgeMs: 2 * deps.config.resourceSampleIntervalMs });
    refreshBackupMetrics(backupStatusHere(deps));
    return reply.type(CONTENT_TYPE).send(metrics.render());
  });
}

function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
