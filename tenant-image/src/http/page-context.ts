// What every page frame needs from the request: tenant name, the person, the tables nav.
import type { FastifyRequest } from 'fastify';
import type { PageFrame } from '../pages/layout.js';
import { listTableNames } from '../tables/catalog.js';
import type { AppDeps } from './app-deps.js';

export function tenantNameOf(req: FastifyRequest, deps: AppDeps): string {
  if (deps.config.tenantName) return deps.config.tenantName;
  const host = (req.headers.host ?? 'berth').split(':')[0]!;
  return host.split('.')[0] || host;
}

/** The control plane lives at the parent domain of the tenant's host unless configured. */
export function loginUrlOf(req: FastifyRequest, deps: AppDeps): string {
  const host = req.headers.host ?? '';
  const base = deps.config.controlPlaneUrl || (host.includes('.') ? `https://${host.slice(host.indexOf('.') + 1)}` : '');
  const back = host ? `https://${host}${req.url}` : '';
  return `${base}/login${back ? `?next=${encodeURIComponent(back)}` : ''}`;
}

export function frameFor(req: FastifyRequest, deps: AppDeps, page: Omit<PageFrame, 'tenant' | 'identity' | 'tables'>): PageFrame {
  const tables = listTableNames(deps.readDb).map((name) => ({ name, rows: deps.rowCount(name) }));
  return { ...page, tenant: tenantNameOf(req, deps), identity: req.identity, tables };
}
