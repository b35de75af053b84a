// An instance's backups for its owner, as JSON API and as the backups page: the timeline of
// restorable points, one table restored as it was at a moment, the whole instance restored or
// the last restore undone (the operator's restore, run by the lease holder), the database
// downloaded. Owner only; every unsafe request carries the session's CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OwnerBackups, TableRestoreMode } from '../backup/owner-backups.js';
import type { RestoreRequest, Restores } from '../backup/restore.js';
import type { Session } from '../auth/sessions.js';
import { BerthError } from '../errors.js';
import { renderBackupsPage, type BackupsPageState } from '../pages/backups-page.js';
import { requireOwner, requireTenant } from '../tenants/tenant-commands.js';
import type { TenantView } from '../tenants/tenant-views.js';
import { errorResponses } from './api-schemas.js';
import { databaseFileSchema, tableRestoreSchema, timelineSchema, undoTableSchema, wholeRestoreSchema } from './owner-backup-schemas.js';
import type { AppDeps } from './app-deps.js';
import { PAGE_ROUTE, redirectToLogin, sendPage } from './page-replies.js';
import { readSession, requireSession, verifyApiCsrf, verifyCsrf } from './request-auth.js';

const tags = ['backup'];
const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 63 } } } as const;
const str = (max: number) => ({ type: 'string', maxLength: max }) as const;

/** A moment typed by a person: ISO 8601; without a zone it is UTC (what the page shows). */
export function parseMoment(text: string | undefined, field = 'at'): number {
  const t = (text ?? '').trim();
  const withZone = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(t) ? `${t.replace(' ', 'T')}Z` : t;
  const at = Date.parse(withZone);
  if (t === '' || !Number.isFinite(at)) throw new BerthError('VALIDATION_FAILED', `${field}: "${t}" is not a date and time (ISO 8601, e.g. 2026-01-31T14:05:00Z)`, { field });
  if (at > Date.now() + 1000) throw new BerthError('VALIDATION_FAILED', `${field}: ${t} is in the future`, { field });
  return at;
}

function modeOf(text: string | undefined): TableRestoreMode {
  if (text === 'beside' || text === 'replace') return text;
  throw new BerthError('VALIDATION_FAILED', `mode: "${text ?? ''}" is neither beside nor replace`, { field: 'mode' });
}

function tableOf(text: string | undefined): string {
  const t = (text ?? '').trim();
  if (t === '') throw new BerthError('VALIDATION_FAILED', 'table: give the name of the table to restore', { field: 'table' });
  return t;
}

export function registerOwnerBackupRoutes(app: FastifyInstance, deps: AppDeps, backups: OwnerBackups, restores: Restores | undefined): void {
  const actorOf = (s: Session) => ({ userId: String(s.user.id), email: s.user.email });
  const ownerTenant = (s: Session, slug: string, action: string): TenantView => {
    const tenant = requireTenant(deps, s.user, slug);
    requireOwner(tenant, action);
    return tenant;
  };
  const wholeRestore = (tenant: TenantView, req: RestoreRequest, s: Session) => {
    if (!restores) throw new BerthError('NOT_LEASE_HOLDER', 'whole-instance restores run where the backups are replicated, and this process does not run them');
    return restores.restore(tenant.slug, req, `owner ${s.user.email}`);
  };

  // JSON API.
  app.get<{ Params: { slug: string } }>('/api/v1/tenants/:slug/backups', {
    schema: { summary: 'Restorable points of an instance within the retention window (owner only)', tags, params: slugParams, response: { 200: timelineSchema, ...errorResponses(401, 403, 404) } },
  }, async (req) => backups.timeline(ownerTenant(requireSession(deps, req), req.params.slug, 'see its backups')));

  app.post<{ Params: { slug: string }; Body: { table: string; at: string; mode: string } }>('/api/v1/tenants/:slug/backups/restore-table', {
    schema: {
      summary: 'Restore one table as it was at a moment, beside the current one or replacing it (kept); all or nothing (owner only)', tags, params: slugParams,
      body: { type: 'object', required: ['table', 'at', 'mode'], additionalProperties: false, properties: { table: str(200), at: str(64), mode: str(16) } },
      response: { 200: tableRestoreSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 500) },
    },
  }, async (req) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    const tenant = ownerTenant(s, req.params.slug, 'restore tables');
    return backups.restoreTable(tenant, { table: tableOf(req.body.table), mode: modeOf(req.body.mode), at: parseMoment(req.body.at) }, actorOf(s));
  });

  app.post<{ Params: { slug: string }; Body: { table: string; keptAs: string } }>('/api/v1/tenants/:slug/backups/undo-table', {
    schema: {
      summary: 'Undo a table replace: the kept table takes its name back, the restored one is kept (owner only)', tags, params: slugParams,
      body: { type: 'object', required: ['table', 'keptAs'], additionalProperties: false, properties: { table: str(200), keptAs: str(260) } },
      response: { 200: undoTableSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (req) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    return backups.undoTableReplace(ownerTenant(s, req.params.slug, 'undo a restore'), { table: tableOf(req.body.table), keptAs: tableOf(req.body.keptAs) }, actorOf(s));
  });

  app.post<{ Params: { slug: string }; Body: { at?: string; undo?: boolean } }>('/api/v1/tenants/:slug/backups/restore', {
    schema: {
      summary: 'Restore the whole instance (the latest point, a moment, or undo the last restore); answers once it serves again (owner only)', tags, params: slugParams,
      body: { type: 'object', additionalProperties: false, properties: { at: str(64), undo: { type: 'boolean' } } },
      response: { 200: wholeRestoreSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 500, 503) },
    },
  }, async (req) => {
    const s = requireSession(deps, req);
    verifyApiCsrf(deps, req, s);
    const tenant = ownerTenant(s, req.params.slug, 'restore the instance');
    const body = req.body ?? {};
    if (body.undo && body.at !== undefined) throw new BerthError('BAD_REQUEST', 'give at most one of at, undo');
    return wholeRestore(tenant, body.undo ? { mode: 'undo' } : body.at !== undefined ? { mode: 'at', at: parseMoment(body.at) } : { mode: 'latest' }, s);
  });

  const download = async (req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply, s: Session) => {
    const tenant = ownerTenant(s, req.params.slug, 'download its database');
    const d = await backups.download(tenant, actorOf(s));
    return reply
      .header('content-type', 'application/vnd.sqlite3')
      .header('content-length', d.bytes)
      .header('content-disposition', `attachment; filename="${d.fileName}"`)
      .header('cache-control', 'no-store')
      .send(d.stream);
  };
  app.get<{ Params: { slug: string } }>('/api/v1/tenants/:slug/database', {
    schema: { summary: 'A consistent copy of the whole SQLite database (owner only)', tags, params: slugParams, response: { 200: databaseFileSchema, ...errorResponses(401, 403, 404, 409) } },
  }, async (req, reply) => download(req, reply, requireSession(deps, req)));

  registerBackupsPage(app, deps, backups, { ownerTenant, actorOf, wholeRestore, download });
}

interface PageHelpers {
  ownerTenant(s: Session, slug: string, action: string): TenantView;
  actorOf(s: Session): { userId: string; email: string };
  wholeRestore(tenant: TenantView, req: RestoreRequest, s: Session): Promise<unknown>;
  download(req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply, s: Session): Promise<FastifyReply>;
}

function registerBackupsPage(app: FastifyInstance, deps: AppDeps, backups: OwnerBackups, h: PageHelpers): void {
  const base = `/instances/:slug/backups`;
  type Extra = Omit<BackupsPageState, 'user' | 'tenant' | 'timeline' | 'timelineError'>;
  const page = async (reply: FastifyReply, s: Session, tenant: TenantView, status: number, extra: Extra = {}) => {
    let timeline = null;
    let timelineError: string | undefined;
    try {
      timeline = await backups.timeline(tenant);
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      timelineError = err.message;
    }
    return sendPage(reply, renderBackupsPage({ user: { email: s.user.email, csrfToken: s.csrfToken }, tenant, timeline, ...(timelineError ? { timelineError } : {}), ...extra }), status);
  };
  /** A form post's session (CSRF checked) and owned tenant; null: go log in. */
  const form = (req: FastifyRequest<{ Params: { slug: string }; Body: { _csrf?: string } }>, action: string) => {
    const s = readSession(deps, req);
    if (!s) return null;
    verifyCsrf(req, deps.config.publicUrl, s.csrfToken, req.body?._csrf);
    return { s, tenant: h.ownerTenant(s, req.params.slug, action) };
  };
  const csrf = { _csrf: str(128) };

  app.get<{ Params: { slug: string } }>(base, { config: PAGE_ROUTE, schema: { params: slugParams } }, async (req, reply) => {
    const s = readSession(deps, req);
    if (!s) return redirectToLogin(reply, req);
    return page(reply, s, h.ownerTenant(s, req.params.slug, 'see its backups'), 200);
  });

  app.get<{ Params: { slug: string } }>(`${base}/download`, { config: PAGE_ROUTE, schema: { params: slugParams } }, async (req, reply) => {
    const s = readSession(deps, req);
    if (!s) return redirectToLogin(reply, req);
    return h.download(req, reply, s);
  });

  app.post<{ Params: { slug: string }; Body: { table?: string; at?: string; mode?: string; _csrf?: string } }>(`${base}/restore-table`, {
    config: PAGE_ROUTE,
    schema: { params: slugParams, body: { type: 'object', properties: { table: str(200), at: str(64), mode: str(16), ...csrf } } },
  }, async (req, reply) => {
    const f = form(req, 'restore tables');
    if (!f) return redirectToLogin(reply, req);
    const formValues = { table: req.body?.table, at: req.body?.at, mode: req.body?.mode };
    try {
      const r = await backups.restoreTable(f.tenant, { table: tableOf(req.body?.table), mode: modeOf(req.body?.mode), at: parseMoment(req.body?.at) }, h.actorOf(f.s));
      const notice = r.keptAs
        ? `“${r.table}” now holds its ${r.rows} rows as of ${new Date(r.at).toISOString()}; the table it replaced is kept as “${r.keptAs}”.`
        : `“${r.table}” as of ${new Date(r.at).toISOString()} is restored beside it as “${r.restoredAs}” (${r.rows} rows).`;
      return page(reply, f.s, f.tenant, 200, { notice, ...(r.keptAs ? { undoTable: { table: r.table, keptAs: r.keptAs } } : {}), form: formValues });
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return page(reply, f.s, f.tenant, err.status, { error: err.message, form: formValues });
    }
  });

  app.post<{ Params: { slug: string }; Body: { table?: string; keptAs?: string; _csrf?: string } }>(`${base}/undo-table`, {
    config: PAGE_ROUTE,
    schema: { params: slugParams, body: { type: 'object', properties: { table: str(200), keptAs: str(260), ...csrf } } },
  }, async (req, reply) => {
    const f = form(req, 'undo a restore');
    if (!f) return redirectToLogin(reply, req);
    try {
      const r = await backups.undoTableReplace(f.tenant, { table: tableOf(req.body?.table), keptAs: tableOf(req.body?.keptAs) }, h.actorOf(f.s));
      return page(reply, f.s, f.tenant, 200, { notice: `“${r.table}” is back as it was before the restore${r.restoredKeptAs ? `; the restored rows are kept as “${r.restoredKeptAs}”` : ''}.` });
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return page(reply, f.s, f.tenant, err.status, { error: err.message });
    }
  });

  app.post<{ Params: { slug: string }; Body: { at?: string; confirm?: string; action?: string; _csrf?: string } }>(`${base}/restore`, {
    config: PAGE_ROUTE,
    schema: { params: slugParams, body: { type: 'object', properties: { at: str(64), confirm: str(63), action: str(16), ...csrf } } },
  }, async (req, reply) => {
    const f = form(req, 'restore the instance');
    if (!f) return redirectToLogin(reply, req);
    try {
      if ((req.body?.confirm ?? '').trim() !== f.tenant.slug) {
        throw new BerthError('VALIDATION_FAILED', `Type ${f.tenant.slug} exactly to confirm the restore.`, { fields: { confirm: 'does not match' } });
      }
      const undo = req.body?.action === 'undo';
      const at = (req.body?.at ?? '').trim();
      await h.wholeRestore(f.tenant, undo ? { mode: 'undo' } : at ? { mode: 'at', at: parseMoment(at) } : { mode: 'latest' }, f.s);
      return page(reply, f.s, f.tenant, 200, {
        notice: undo ? 'The last restore is undone: the database it replaced is back.' : `The instance serves its database as of ${at || 'the latest replicated moment'}; the one it replaced is kept (Undo the last restore).`,
      });
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      return page(reply, f.s, f.tenant, err.status, { error: err.message });
    }
  });
}
