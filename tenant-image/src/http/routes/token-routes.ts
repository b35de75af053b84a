// API tokens are made, listed and revoked on the control plane (its instance page and API):
// a tenant holds no secret and must not mint credentials. The tenant's old token addresses
// point there.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BerthError } from '../../errors.js';
import type { AppDeps } from '../app-deps.js';

/** The control plane's page for this instance (its API tokens card). */
export function tokensUrlOf(req: FastifyRequest, deps: AppDeps): string {
  const host = (req.headers.host ?? '').split(':')[0]!;
  const slug = deps.config.tenantSlug || host.split('.')[0] || '';
  const full = req.headers.host ?? '';
  const base = deps.config.controlPlaneUrl || (full.includes('.') ? `https://${full.slice(full.indexOf('.') + 1)}` : '');
  return `${base}/instances/${encodeURIComponent(slug)}#tokens`;
}

export function registerTokenRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get('/tokens', async (req, reply) => reply.redirect(tokensUrlOf(req, deps), 303));
  const moved = async (req: FastifyRequest) => {
    throw new BerthError('NOT_FOUND', `API tokens are managed by the control plane: ${tokensUrlOf(req, deps)} (API: /api/v1/tenants/<slug>/tokens there)`);
  };
  scope.get('/api/tokens', moved);
  scope.post('/api/tokens', moved);
  scope.delete('/api/tokens/:id', moved);
}
