// Changing data in place, as JSON API and as HTML forms: edit a row's cells, delete rows, rename
// and drop a table. Permissions come from auth/permissions.ts; CSRF is the scope's origin check
// (auth-hooks). Every change is one writeTx in src/edits, with its activity entry.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission } from '../../auth/permissions.js';
import { toBerthError, BerthError } from '../../errors.js';
import { deleteRows, editRow } from '../../edits/row-edits.js';
import { dropTable, renameTable } from '../../edits/table-admin.js';
import { renderManageTablePage, renderRowEditPage, type FormError } from '../../pages/edit-pages.js';
import { renderPage } from '../../pages/layout.js';
import { tablePath } from '../../pages/format.js';
import { requireTable } from '../../tables/catalog.js';
import { readRow } from '../../tables/read-rows.js';
import type { AppDeps } from '../app-deps.js';
import { frameFor } from '../page-context.js';
import { parseRowid } from '../parse-rowid.js';

type RowParams = { Params: { table: string; rowid: string } };
type TableParams = { Params: { table: string } };

function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

function objectField(o: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new BerthError('BAD_REQUEST', `"${key}" must be an object of column: value`);
  return v as Record<string, unknown>;
}

/** The edit form's fields v.<column> (what to store) and was.<column> (JSON of what was shown). */
function editFromForm(form: Record<string, unknown>): { values: Record<string, string>; expect: Record<string, unknown> } {
  const values: Record<string, string> = {};
  const expect: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    if (typeof v !== 'string') continue;
    if (k.startsWith('v.')) values[k.slice(2)] = v;
    else if (k.startsWith('was.')) {
      try {
        expect[k.slice(4)] = JSON.parse(v) as unknown;
      } catch {
        throw new BerthError('BAD_REQUEST', `the edit form's field ${k} is not what this page wrote`);
      }
    }
  }
  return { values, expect };
}

export function registerEditRoutes(scope: FastifyInstance, deps: AppDeps): void {
  const page = (req: FastifyRequest, reply: FastifyReply, title: string, table: string, body: Parameters<typeof renderPage>[1], status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').send(renderPage(frameFor(req, deps, { title, section: 'tables', activeTable: table }), body));
  /** A form's failure shown on the form itself, with the person's input kept; other errors go the usual way. */
  const formError = (err: unknown): FormError & { status: number } => {
    const e = toBerthError(err);
    if (e.status >= 500) throw err;
    return { message: e.message, ...(e.details ? { details: e.details } : {}), status: e.status };
  };

  // --- JSON API ---
  scope.patch<RowParams>('/api/tables/:table/rows/:rowid', async (req) => {
    requirePermission(req.identity, 'cell.edit');
    const b = body(req);
    const values = objectField(b, 'values') ?? {};
    const expect = objectField(b, 'expect');
    const changes = editRow(deps.db, req.params.table, parseRowid(req.params.rowid), values, req.identity, expect);
    return { table: req.params.table, rowid: Number(req.params.rowid), changes };
  });
  scope.delete<RowParams>('/api/tables/:table/rows/:rowid', async (req, reply) => {
    requirePermission(req.identity, 'rows.delete');
    const result = deleteRows(deps.db, req.params.table, [parseRowid(req.params.rowid)], req.identity);
    if (result.deleted.length === 0) throw new BerthError('NOT_FOUND', `table "${req.params.table}" has no row ${req.params.rowid}`);
    return reply.status(204).send();
  });
  scope.post<TableParams>('/api/tables/:table/rows/delete', async (req) => {
    requirePermission(req.identity, 'rows.delete');
    const rowids = body(req).rowids;
    if (!Array.isArray(rowids)) throw new BerthError('BAD_REQUEST', 'expected {"rowids": [1, 2, ...]}');
    return { table: req.params.table, ...deleteRows(deps.db, req.params.table, rowids as number[], req.identity) };
  });
  scope.post<TableParams>('/api/tables/:table/rename', async (req) => {
    requirePermission(req.identity, 'table.rename');
    const name = body(req).name;
    if (typeof name !== 'string') throw new BerthError('BAD_REQUEST', 'expected {"name": "new name"}');
    return renameTable(deps.db, req.params.table, name, req.identity);
  });
  scope.delete<TableParams>('/api/tables/:table', async (req) => {
    requirePermission(req.identity, 'table.drop');
    return dropTable(deps.db, req.params.table, req.identity);
  });

  // --- HTML forms ---
  scope.get<RowParams>('/tables/:table/rows/:rowid/edit', async (req, reply) => {
    requirePermission(req.identity, 'cell.edit');
    const table = requireTable(deps.readDb, req.params.table);
    const rowid = parseRowid(req.params.rowid);
    return page(req, reply, `Edit ${table.name} #${rowid}`, table.name, renderRowEditPage(table, rowid, readRow(deps.readDb, table, rowid)));
  });
  scope.post<RowParams>('/tables/:table/rows/:rowid/edit', async (req, reply) => {
    requirePermission(req.identity, 'cell.edit');
    const rowid = parseRowid(req.params.rowid);
    const { values, expect } = editFromForm(body(req));
    try {
      editRow(deps.db, req.params.table, rowid, values, req.identity, expect);
    } catch (err) {
      const e = formError(err);
      const table = requireTable(deps.readDb, req.params.table);
      // The current row (it may have changed: a CONFLICT shows the new values), with what was typed.
      const row = readRow(deps.readDb, table, rowid);
      return page(req, reply, `Edit ${table.name} #${rowid}`, table.name, renderRowEditPage(table, rowid, row, e, e.status === 409 ? undefined : values), e.status);
    }
    return reply.redirect(tablePath(req.params.table, `/rows/${rowid}`), 303);
  });
  scope.post<RowParams>('/tables/:table/rows/:rowid/delete', async (req, reply) => {
    requirePermission(req.identity, 'rows.delete');
    deleteRows(deps.db, req.params.table, [parseRowid(req.params.rowid)], req.identity);
    return reply.redirect(tablePath(req.params.table), 303);
  });
  scope.get<TableParams>('/tables/:table/manage', async (req, reply) => {
    const table = requireTable(deps.readDb, req.params.table);
    return page(req, reply, `Manage ${table.name}`, table.name, renderManageTablePage(table, deps.rowCount(table.name), req.identity.role));
  });
  scope.post<TableParams>('/tables/:table/rename', async (req, reply) => {
    requirePermission(req.identity, 'table.rename');
    const name = typeof body(req).name === 'string' ? (body(req).name as string).trim() : '';
    try {
      renameTable(deps.db, req.params.table, name, req.identity);
    } catch (err) {
      const e = formError(err);
      const table = requireTable(deps.readDb, req.params.table);
      return page(req, reply, `Manage ${table.name}`, table.name, renderManageTablePage(table, deps.rowCount(table.name), req.identity.role, e), e.status);
    }
    return reply.redirect(tablePath(name), 303);
  });
  scope.post<TableParams>('/tables/:table/drop', async (req, reply) => {
    requirePermission(req.identity, 'table.drop');
    const table = requireTable(deps.readDb, req.params.table);
    if (body(req).confirm !== table.name) {
      const e = { message: `type the table's name, "${table.name}", to confirm the drop`, status: 422 };
      return page(req, reply, `Manage ${table.name}`, table.name, renderManageTablePage(table, deps.rowCount(table.name), req.identity.role, e), 422);
    }
    dropTable(deps.db, table.name, req.identity);
    return reply.redirect('/', 303);
  });
}
