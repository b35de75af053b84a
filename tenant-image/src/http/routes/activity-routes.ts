// The activity view: GET /activity (page) and /api/activity (JSON), newest first, optionally of
// one table, paged by time (`before`, unix ms).
import type { FastifyInstance } from 'fastify';
import { BerthError } from '../../errors.js';
import { listActivity } from '../../edits/activity-log.js';
import { renderActivityPage } from '../../pages/activity-page.js';
import { renderPage } from '../../pages/layout.js';
import { listTableNames } from '../../tables/catalog.js';
import type { AppDeps } from '../app-deps.js';
import { frameFor } from '../page-context.js';

type ActivityQuery = { Querystring: { table?: string; before?: string; limit?: string } };

const PAGE = 100;

function parse(q: ActivityQuery['Querystring']) {
  const limit = q.limit === undefined || q.limit === '' ? PAGE : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BerthError('BAD_REQUEST', 'limit must be an integer from 1 to 1000', { limit: q.limit });
  const before = q.before === undefined || q.before === '' ? undefined : Number(q.before);
  if (before !== undefined && !Number.isSafeInteger(before)) throw new BerthError('BAD_REQUEST', 'before is a time in unix milliseconds', { before: q.before });
  const table = q.table === undefined || q.table === '' ? undefined : q.table;
  return { limit, ...(before !== undefined ? { before } : {}), ...(table !== undefined ? { table } : {}) };
}

export function registerActivityRoutes(scope: FastifyInstance, deps: AppDeps): void {
  const read = (q: ActivityQuery['Querystring']) => {
    const query = parse(q);
    // One more than asked tells whether an older page exists; entries of the same millisecond
    // as the page's last one could straddle it, so the next page starts at that millisecond.
    const entries = listActivity(deps.readDb, { ...query, limit: query.limit + 1 });
    const more = entries.length > query.limit;
    const shown = entries.slice(0, query.limit);
    return { query, entries: shown, ...(more ? { next: shown[shown.length - 1]!.at + 1 } : {}) };
  };
  scope.get<ActivityQuery>('/api/activity', async (req) => {
    const { entries, next } = read(req.query);
    return { entries, next: next ?? null };
  });
  scope.get<ActivityQuery>('/activity', async (req, reply) => {
    const { query, entries, next } = read(req.query);
    const body = renderActivityPage(entries, query.table, listTableNames(deps.readDb), next);
    return reply.type('text/html; charset=utf-8').send(renderPage(frameFor(req, deps, { title: 'Activity', section: 'activity' }), body));
  });
}
