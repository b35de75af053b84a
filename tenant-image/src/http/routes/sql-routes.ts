// Read-only SQL: the page and the JSON API. Queries run in the SQL query process with a time
// limit and a row cap (see query/sql-runner.ts); this event loop never runs user SQL.
import type { FastifyInstance } from 'fastify';
import { BerthError, toBerthError } from '../../errors.js';
import { renderPage } from '../../pages/layout.js';
import { renderSqlPage } from '../../pages/sql-page.js';
import { checkReadOnlySql } from '../../query/sql-guard.js';
import type { SqlResult } from '../../query/sql-protocol.js';
import type { AppDeps } from '../app-deps.js';
import { frameFor } from '../page-context.js';
import { sqlInputOf, type SqlInput } from '../sql-input.js';

function apiResult(r: SqlResult) {
  return { columns: r.columns, rows: r.rows, truncated: r.truncated, elapsedMs: r.elapsedMs };
}

export function registerSqlRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get<{ Querystring: Record<string, unknown> }>('/sql', async (req, reply) => {
    const sql = typeof req.query.sql === 'string' ? req.query.sql : '';
    let paramNames: string[] = [];
    let params: Record<string, string> = {};
    let result: SqlResult | undefined;
    let error: BerthError | undefined;
    if (sql.trim() !== '') {
      try {
        paramNames = checkReadOnlySql(sql).params;
        params = sqlInputOf(req.query).params;
        const missing = paramNames.filter((p) => params[p] === undefined);
        if (missing.length === 0) result = await deps.sqlRunner.run(sql, params);
      } catch (err) {
        error = toBerthError(err);
        if (error.code === 'INTERNAL') deps.log.error('sql page failed', { err });
      }
    }
    const body = renderSqlPage({ sql, paramNames, params, ...(result ? { result } : {}), ...(error ? { error } : {}), timeLimitMs: deps.config.sqlTimeLimitMs, rowCap: deps.config.sqlRowCap, ...(typeof req.query.saved === 'string' && req.query.saved ? { savedAs: req.query.saved } : {}) });
    return reply
      .status(error ? error.status : 200)
      .type('text/html; charset=utf-8')
      .send(renderPage(frameFor(req, deps, { title: 'SQL', section: 'sql' }), body));
  });

  scope.get<{ Querystring: Record<string, unknown> }>('/api/sql', async (req) => apiResult(await deps.sqlRunner.run(...args(sqlInputOf(req.query)))));
  scope.post('/api/sql', async (req) => apiResult(await deps.sqlRunner.run(...args(sqlInputOf(req.body)))));
}

function args(i: SqlInput): [string, Record<string, string>] {
  return [i.sql, i.params];
}
