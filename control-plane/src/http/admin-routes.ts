// Operators' views: the admin tenant list (JSON) and the admin page with its two forms
// (start a rollout, cancel one). Admins only; the forms carry the session's CSRF token.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { BerthError } from '../errors.js';
import { ADMIN_SCRIPT_HASH, ADMIN_STYLE_HASH } from '../pages/admin-assets.js';
import { renderAdminPage, type AdminPageData } from '../pages/admin-page.js';
import { replicationView } from '../pages/replication-column.js';
import { backupStatusHere } from './backup-status-here.js';
import { HISTORY_MS, historySince } from '../metrics/resource-history.js';
import { listAdminTenants } from '../rollout/admin-tenant-list.js';
import { listRollouts, requestCancel } from '../rollout/rollout-store.js';
import { rolloutTenantViews, summarizeRollout } from '../rollout/rollout-views.js';
import { errorResponses } from './api-schemas.js';
import type { AppDeps } from './app-deps.js';
import { operatorName, operatorOf, requireAdmin, type Operator } from './operator-auth.js';
import { PAGE_ROUTE, sendPage } from './page-replies.js';
import { verifyCsrf } from './request-auth.js';
import { adminSecurity, adminTenantSchema } from './rollout-schemas.js';
import { contentSecurityPolicy } from './security-headers.js';
import { startRollout } from './rollout-routes.js';

interface StartForm { image?: string; canary?: string; parallel?: string; tenants?: string; _csrf?: string }

const RECENT_ROLLOUTS = 8;

export function registerAdminRoutes(app: FastifyInstance, deps: AppDeps): void {
  const api = requireAdmin(deps);
  const form = requireAdmin(deps, { csrf: 'form' });
  // The shared policy admits the layout's style and script by hash; this page adds its own.
  const csp = contentSecurityPolicy(deps.config)
    .replace(/style-src ([^;]+)/, `style-src $1 ${ADMIN_STYLE_HASH}`)
    .replace(/script-src ([^;]+)/, `script-src $1 ${ADMIN_SCRIPT_HASH}`);
  const onSend = async (_req: unknown, reply: FastifyReply, payload: unknown) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.header('content-security-policy', csp);
    return payload;
  };

  app.get('/api/v1/admin/tenants', {
    preHandler: api,
    schema: {
      summary: 'Every tenant with its image version, state, health and memory (admins only)',
      tags: ['admin'], security: adminSecurity,
      response: { 200: { type: 'object', required: ['tenants'], properties: { tenants: { type: 'array', items: adminTenantSchema } } }, ...errorResponses(401, 403) },
    },
  }, async () => ({ tenants: listAdminTenants(deps.db) }));

  app.get('/admin', { config: PAGE_ROUTE, preHandler: form, onSend }, async (req, reply) => {
    return sendPage(reply, renderAdminPage(pageData(deps, operatorOf(req))));
  });

  app.post<{ Body: StartForm }>('/admin/rollouts', {
    config: PAGE_ROUTE, preHandler: form, onSend,
    schema: { body: { type: 'object', properties: Object.fromEntries(['image', 'canary', 'parallel', 'tenants', '_csrf'].map((k) => [k, { type: 'string', maxLength: 4096 }])) } },
  }, async (req, reply) => {
    const op = operatorOf(req);
    checkFormCsrf(deps, req, op, req.body._csrf);
    const b = req.body;
    const tenants = (b.tenants ?? '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    try {
      const rollout = startRollout(deps, {
        image: (b.image ?? '').trim(),
        canary: toInt(b.canary, 0, 'canary'),
        parallel: toInt(b.parallel, deps.config.rolloutParallel, 'parallel'),
        ...(tenants.length ? { tenants } : {}),
      }, operatorName(op));
      return reply.redirect(`/admin#rollout-${rollout.id}`, 303);
    } catch (err) {
      if (!(err instanceof BerthError) || err.status >= 500) throw err;
      const data = pageData(deps, op, { error: err.message, image: b.image ?? '', canary: b.canary ?? '', parallel: b.parallel ?? '', tenants: b.tenants ?? '' });
      return sendPage(reply, renderAdminPage(data), err.status);
    }
  });

  app.post<{ Params: { id: string }; Body: { _csrf?: string } }>('/admin/rollouts/:id/cancel', {
    config: PAGE_ROUTE, preHandler: form, onSend,
    schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } }, body: { type: 'object', properties: { _csrf: { type: 'string', maxLength: 128 } } } },
  }, async (req, reply) => {
    checkFormCsrf(deps, req, operatorOf(req), req.body?._csrf);
    requestCancel(deps.db, Number(req.params.id));
    deps.wakeRollouts?.();
    return reply.redirect(`/admin#rollout-${req.params.id}`, 303);
  });
}

function pageData(deps: AppDeps, op: Operator, form?: AdminPageData['form']): AdminPageData {
  if (op.kind !== 'admin') throw new BerthError('FORBIDDEN', 'The admin page is for signed-in admins; the CLI uses the API.');
  return {
    user: { email: op.email, csrfToken: op.csrfToken },
    tenants: listAdminTenants(deps.db),
    rollouts: listRollouts(deps.db, RECENT_ROLLOUTS).map((r) => ({ rollout: summarizeRollout(deps.db, r), tenants: rolloutTenantViews(deps.db, r.id, false) })),
    defaults: { image: deps.config.tenantImage, parallel: deps.config.rolloutParallel },
    config: deps.config,
    resources: resourceWindow(deps, Date.now()),
    replication: replicationView(backupStatusHere(deps), deps.config.backupLagLimitMs, Date.now()),
    ...processesOf(deps),
    ...(form ? { form } : {}),
  };
}

function processesOf(deps: AppDeps): Pick<AdminPageData, 'processes'> {
  const view = deps.checks.lease?.();
  return view ? { processes: { lease: view.lease, processes: view.processes, now: Date.now() } } : {};
}

function resourceWindow(deps: AppDeps, now: number): AdminPageData['resources'] {
  const from = now - HISTORY_MS;
  // Two periods: one sample may be late by a period; more means the sampler missed one.
  return { history: historySince(deps.db, from), from, to: now, maxGapMs: 2 * deps.config.resourceSampleIntervalMs };
}

function checkFormCsrf(deps: AppDeps, req: Parameters<typeof verifyCsrf>[0], op: Operator, token: string | undefined): void {
  if (op.kind === 'admin') verifyCsrf(req, deps.config.publicUrl, op.csrfToken, token);
}

function toInt(value: string | undefined, fallback: number, field: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new BerthError('VALIDATION_FAILED', `${field} must be a whole number between 0 and 1000`, { field });
  return n;
}
