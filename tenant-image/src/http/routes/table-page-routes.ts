// HTML pages for reading tables: the list (home), a table, a row, a chart.
import { can } from '../../auth/permissions.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { provenanceByTable } from '../../imports/provenance.js';
import { renderChartPage } from '../../pages/chart-page.js';
import { renderPage } from '../../pages/layout.js';
import { renderRowPage } from '../../pages/row-page.js';
import { renderRowActions } from '../../pages/edit-pages.js';
import { listSavedQueries } from '../../edits/saved-queries.js';
import { renderTablesPage, UPLOAD_SCRIPT } from '../../pages/tables-page.js';
import { renderTableView } from '../../pages/table-view-page.js';
import { listTableNames, requireTable } from '../../tables/catalog.js';
import { readChartData } from '../../tables/chart-data.js';
import { readFacet, readPage, readRow } from '../../tables/read-rows.js';
import { hasSearchIndex } from '../../tables/text-search.js';
import { cursorOf, parseViewParams, rowQueryOf } from '../../tables/view-params.js';
import type { AppDeps } from '../app-deps.js';
import { frameFor } from '../page-context.js';
import { parseRowid } from '../parse-rowid.js';

type TableParams = { Params: { table: string }; Querystring: Record<string, unknown> };


export function registerTablePageRoutes(scope: FastifyInstance, deps: AppDeps): void {
  const send = (req: FastifyRequest, frame: Parameters<typeof frameFor>[2], body: Parameters<typeof renderPage>[1]) =>
    renderPage(frameFor(req, deps, frame), body);

  scope.get('/', async (req, reply) => {
    const prov = await provenanceByTable(deps.readDb);
    const tables = listTableNames(deps.readDb).map((name) => {
      const p = prov.get(name);
      return { name, rows: deps.rowCount(name), columns: requireTable(deps.readDb, name).columns.length, ...(p ? { provenance: p } : {}) };
    });
    return reply.type('text/html; charset=utf-8').send(send(req, { title: 'Tables', section: 'tables', script: UPLOAD_SCRIPT }, renderTablesPage(tables, can(req.identity.role, 'import.run') ? deps.config.limits.maxFileBytes : null, listSavedQueries(deps.readDb))));
  });

  scope.get<TableParams>('/tables/:table', async (req, reply) => {
    const table = requireTable(deps.readDb, req.params.table);
    const view = parseViewParams(req.query, table, deps.config.pageSize);
    const indexed = hasSearchIndex(deps.readDb, table.name);
    const q = rowQueryOf(table, view, indexed);
    const page = readPage(deps.readDb, q, view.size, cursorOf(view));
    const facets = view.facets.map((f) => readFacet(deps.readDb, q, f));
    const provenance = (await provenanceByTable(deps.readDb)).get(table.name);
    const body = renderTableView({
      table,
      view,
      defaultSize: deps.config.pageSize,
      rows: page.rows,
      total: page.total,
      tableRows: deps.rowCount(table.name),
      ...(page.next ? { next: page.next } : {}),
      facets,
      searchIndexed: indexed,
      ...(provenance ? { provenance } : {}),
    });
    return reply.type('text/html; charset=utf-8').send(send(req, { title: table.name, section: 'tables', activeTable: table.name }, body));
  });

  scope.get<{ Params: { table: string; rowid: string } }>('/tables/:table/rows/:rowid', async (req, reply) => {
    const table = requireTable(deps.readDb, req.params.table);
    const rowid = parseRowid(req.params.rowid);
    const row = readRow(deps.readDb, table, rowid);
    return reply.type('text/html; charset=utf-8').send(send(req, { title: `${table.name} #${rowid}`, section: 'tables', activeTable: table.name }, renderRowPage(table, rowid, row, renderRowActions(table, rowid, req.identity.role))));
  });

  scope.get<TableParams>('/tables/:table/chart', async (req, reply) => {
    const table = requireTable(deps.readDb, req.params.table);
    const view = parseViewParams(req.query, table, deps.config.pageSize);
    const col = typeof req.query.col === 'string' && req.query.col ? req.query.col : table.columns[0]!.name;
    const data = readChartData(deps.readDb, rowQueryOf(table, view, hasSearchIndex(deps.readDb, table.name)), col);
    return reply.type('text/html; charset=utf-8').send(send(req, { title: `Chart of ${col}`, section: 'tables', activeTable: table.name }, renderChartPage(table, view, data)));
  });
}

