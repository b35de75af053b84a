// The JSON API for reading: tables, rows (same query parameters as the table page), one row,
// facets, chart data, import history, and who am I.
import type { FastifyInstance } from 'fastify';
import { loadCsvImport } from '../../imports/csv-import-api.js';
import { listTableNames, requireTable } from '../../tables/catalog.js';
import { readChartData } from '../../tables/chart-data.js';
import { readFacet, readPage, readRow, rowsAsObjects } from '../../tables/read-rows.js';
import { hasSearchIndex } from '../../tables/text-search.js';
import { cursorOf, parseViewParams, rowQueryOf } from '../../tables/view-params.js';
import type { AppDeps } from '../app-deps.js';
import { provenanceByTable } from '../../imports/provenance.js';
import { parseRowid } from '../parse-rowid.js';

type TableParams = { Params: { table: string }; Querystring: Record<string, unknown> };

export function registerTableApiRoutes(scope: FastifyInstance, deps: AppDeps): void {
  scope.get('/api/me', async (req) => ({ userId: req.identity.userId, email: req.identity.email, role: req.identity.role, via: req.identity.via }));

  scope.get('/api/tables', async () => {
    const prov = await provenanceByTable(deps.readDb);
    return {
      tables: listTableNames(deps.readDb).map((name) => {
        const t = requireTable(deps.readDb, name);
        return { name, rows: deps.rowCount(name), columns: t.columns, latestImport: prov.get(name) ?? null };
      }),
    };
  });

  scope.get<TableParams>('/api/tables/:table', async (req) => {
    const t = requireTable(deps.readDb, req.params.table);
    const prov = await provenanceByTable(deps.readDb);
    return { name: t.name, rows: deps.rowCount(t.name), columns: t.columns, searchIndexed: hasSearchIndex(deps.readDb, t.name), latestImport: prov.get(t.name) ?? null };
  });

  scope.get<TableParams>('/api/tables/:table/rows', async (req) => {
    const table = requireTable(deps.readDb, req.params.table);
    const view = parseViewParams(req.query, table, deps.config.pageSize);
    const q = rowQueryOf(table, view, hasSearchIndex(deps.readDb, table.name));
    const page = readPage(deps.readDb, q, view.size, cursorOf(view));
    return {
      table: table.name,
      columns: table.columns.map((c) => c.name),
      rows: rowsAsObjects(table, page.rows),
      total: page.total,
      next: page.next ?? null,
      facets: view.facets.map((f) => readFacet(deps.readDb, q, f)),
    };
  });

  scope.get<{ Params: { table: string; rowid: string } }>('/api/tables/:table/rows/:rowid', async (req) => {
    const table = requireTable(deps.readDb, req.params.table);
    const rowid = parseRowid(req.params.rowid);
    return { rowid, ...readRow(deps.readDb, table, rowid) };
  });

  scope.get<TableParams>('/api/tables/:table/chart', async (req) => {
    const table = requireTable(deps.readDb, req.params.table);
    const view = parseViewParams(req.query, table, deps.config.pageSize);
    const col = typeof req.query.col === 'string' && req.query.col ? req.query.col : table.columns[0]!.name;
    return readChartData(deps.readDb, rowQueryOf(table, view, hasSearchIndex(deps.readDb, table.name)), col);
  });

  scope.get<{ Querystring: { table?: string } }>('/api/imports', async (req) => {
    const exists = deps.readDb.prepare('SELECT 1 FROM _berth_imports LIMIT 1').get();
    if (!exists) return { imports: [] };
    const csv = await loadCsvImport();
    return { imports: csv.listImports(deps.readDb, req.query.table) };
  });
}
