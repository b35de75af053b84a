// Exports of a table (with the view's filters, search and sort) or of a read-only query, as
// CSV (formulas neutralised) or JSON, streamed with backpressure. A table export reads on a
// connection of its own: better-sqlite3 allows no other statement on a connection while an
// iterator is open, and the export may run for a while.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { openReadConnection } from '../../db/open-database.js';
import { loadCsvImport } from '../../imports/csv-import-api.js';
import { quoteIdent } from '../../sql/identifier.js';
import { requireTable } from '../../tables/catalog.js';
import { attachmentHeader, contentTypeOf, exportStream, type ExportFormat, type RowSource } from '../../tables/export-stream.js';
import { nullTextFor, parseNullsMode } from '../../tables/null-markers.js';
import { orderSql, whereOf } from '../../tables/page-query.js';
import { hasSearchIndex } from '../../tables/text-search.js';
import { parseViewParams, rowQueryOf } from '../../tables/view-params.js';
import type { AppDeps } from '../app-deps.js';
import { sqlInputOf } from '../sql-input.js';

const FORMATS: readonly ExportFormat[] = ['csv', 'json'];

async function sendExport(reply: FastifyReply, src: RowSource, format: ExportFormat, baseName: string): Promise<FastifyReply> {
  let neutralise = (s: string) => s;
  if (format === 'csv') {
    try {
      neutralise = (await loadCsvImport()).neutraliseFormula;
    } catch (err) {
      src.close?.();
      throw err;
    }
  }
  return reply
    .type(contentTypeOf(format))
    .header('content-disposition', attachmentHeader(baseName, format))
    .header('cache-control', 'no-store')
    .send(exportStream(src, format, neutralise));
}

export function registerExportRoutes(scope: FastifyInstance, deps: AppDeps): void {
  for (const format of FORMATS) {
    for (const prefix of ['/tables', '/api/tables']) {
      scope.get<{ Params: { table: string }; Querystring: Record<string, unknown> }>(`${prefix}/:table/export.${format}`, async (req, reply) => {
        const table = requireTable(deps.readDb, req.params.table);
        const view = parseViewParams(req.query, table, deps.config.pageSize);
        const q = rowQueryOf(table, view, hasSearchIndex(deps.readDb, table.name));
        const nullText = nullTextFor(deps.readDb, table, parseNullsMode(req.query.nulls));
        const where = whereOf(q);
        const cols = table.columns.map((c) => c.name);
        const sql = `SELECT ${cols.map(quoteIdent).join(', ')} FROM ${quoteIdent(table.name)}${where.sql ? ` WHERE ${where.sql}` : ''} ${orderSql(q)}`;
        const conn = openReadConnection(deps.config.dbPath, deps.config.busyTimeoutMs);
        let rows: IterableIterator<unknown[]>;
        try {
          rows = conn.prepare(sql).raw().iterate(...where.params) as IterableIterator<unknown[]>;
        } catch (err) {
          conn.close();
          throw err;
        }
        let closed = false;
        // Runs when the stream ends or fails, and when the client goes away (even before the first chunk).
        const close = () => {
          if (closed) return;
          closed = true;
          rows.return?.();
          conn.close();
        };
        reply.raw.once('close', close);
        return sendExport(reply, { columns: cols, rows, close, nullText }, format, table.name);
      });
    }
    for (const path of [`/sql/export.${format}`, `/api/sql/export.${format}`]) {
      scope.get<{ Querystring: Record<string, unknown> }>(path, async (req, reply) => {
        const input = sqlInputOf(req.query);
        const result = await deps.sqlRunner.run(input.sql, input.params);
        return sendExport(reply, { columns: result.columns, rows: result.rows }, format, 'query');
      });
    }
  }
}
