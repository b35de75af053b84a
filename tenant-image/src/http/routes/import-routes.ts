// Starting, watching and cancelling imports; the import history.
import type { FastifyInstance } from 'fastify';
import type { Identity } from '../../auth/identity.js';
import { requirePermission } from '../../auth/permissions.js';
import { BerthError } from '../../errors.js';
import { loadCsvImport, type ColumnPlan, type ImportPlan } from '../../imports/csv-import-api.js';
import { findUpload } from '../../imports/upload-store.js';
import { renderImportProgressPage, renderOutcome, PROGRESS_SCRIPT } from '../../pages/import-progress-page.js';
import { renderImportsPage } from '../../pages/imports-page.js';
import { renderPage } from '../../pages/layout.js';
import type { AppDeps } from '../app-deps.js';
import { frameFor } from '../page-context.js';
import { previewUpload } from '../../imports/preview-upload.js';

const MODES = ['create', 'append', 'replace'] as const;

function text(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

/** The review form's "Stored as NULL" field: markers separated by commas (missing-values.ts). */
function parseMarkerList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const m = part.trim();
    if (m !== '' && !out.includes(m)) out.push(m);
  }
  return out;
}

/** Columns from the review form's col.<i>.name / col.<i>.type / col.<i>.header fields. */
export function columnsFromForm(body: Record<string, unknown>): ColumnPlan[] | undefined {
  const cols: ColumnPlan[] = [];
  for (let i = 0; text(body, `col.${i}.name`) !== undefined; i++) {
    const col: ColumnPlan = { name: text(body, `col.${i}.name`)!.trim(), header: text(body, `col.${i}.header`) ?? '', type: (text(body, `col.${i}.type`) ?? 'text') as ColumnPlan['type'] };
    const nulls = text(body, `col.${i}.nulls`);
    if (nulls !== undefined) {
      col.nulls = parseMarkerList(nulls);
      // The export marker follows the list: kept while still listed, else the first marker.
      const marker = text(body, `col.${i}.nullMarker`) ?? '';
      col.nullMarker = marker === '' || col.nulls.includes(marker) ? marker : (col.nulls[0] ?? '');
    }
    cols.push(col);
  }
  return cols.length > 0 ? cols : undefined;
}

/**
 * The plan from a form or JSON body; what is left out comes from a fresh look at the file. Column
 * types left out are detected by the import itself, in its worker: a 100k-row detection here
 * would hold the request thread for about a CPU-second; this reads only the header.
 */
async function planFrom(deps: AppDeps, body: Record<string, unknown>): Promise<{ uploadId: string; plan: ImportPlan; detectTypes: boolean }> {
  const uploadId = text(body, 'upload');
  if (!uploadId) throw new BerthError('BAD_REQUEST', 'give the upload id as "upload"');
  const upload = findUpload(deps.readDb, uploadId);
  const mode = text(body, 'mode') ?? 'create';
  if (!(MODES as readonly string[]).includes(mode)) throw new BerthError('VALIDATION_FAILED', `mode must be one of ${MODES.join(', ')}`, { mode });
  const table = text(body, 'table')?.trim();
  const columns = Array.isArray(body.columns) ? (body.columns as ColumnPlan[]) : columnsFromForm(body);
  const encoding = text(body, 'encoding');
  const delimiter = text(body, 'delimiter');
  const preview = !columns || !encoding || !delimiter || !table
    ? await previewUpload(deps.config, upload.id, upload.fileName, { ...(encoding ? { encoding } : {}), ...(delimiter ? { delimiter } : {}) }, 0)
    : undefined;
  return {
    uploadId,
    detectTypes: !columns,
    plan: {
      table: table || preview!.plan.table,
      mode: mode as ImportPlan['mode'],
      encoding: (encoding ?? preview!.encoding) as ImportPlan['encoding'],
      delimiter: (delimiter ?? preview!.delimiter) as ImportPlan['delimiter'],
      columns: columns ?? preview!.columns,
    },
  };
}

export function registerImportRoutes(scope: FastifyInstance, deps: AppDeps): void {
  const start = async (body: unknown, who: Identity) => {
    requirePermission(who, 'import.run');
    const { uploadId, plan, detectTypes } = await planFrom(deps, (body ?? {}) as Record<string, unknown>);
    if (plan.mode === 'replace') requirePermission(who, 'import.replace');
    const upload = findUpload(deps.readDb, uploadId);
    // The import writes a copy of the file into the database before the upload is deleted.
    await deps.dataBudget.requireRoom(upload.sizeBytes, `importing ${upload.fileName}`);
    return deps.imports.start(upload, plan, who.email, { detectTypes });
  };

  scope.post('/api/imports', async (req, reply) => reply.status(202).send({ job: await start(req.body, req.identity) }));
  scope.post('/imports', async (req, reply) => {
    const job = await start(req.body, req.identity);
    return reply.redirect(`/imports/jobs/${job.id}`, 303);
  });

  scope.get<{ Params: { id: string } }>('/api/imports/jobs/:id', async (req) => ({ job: deps.imports.get(req.params.id) }));
  scope.post<{ Params: { id: string } }>('/api/imports/jobs/:id/cancel', async (req, reply) => {
    requirePermission(req.identity, 'import.run');
    return reply.status(202).send({ job: deps.imports.cancel(req.params.id) });
  });
  scope.post<{ Params: { id: string } }>('/imports/jobs/:id/cancel', async (req, reply) => {
    requirePermission(req.identity, 'import.run');
    deps.imports.cancel(req.params.id);
    return reply.redirect(`/imports/jobs/${req.params.id}`, 303);
  });

  scope.get<{ Params: { id: string } }>('/imports/jobs/:id', async (req, reply) => {
    const job = deps.imports.get(req.params.id);
    return reply.type('text/html; charset=utf-8').send(renderPage(frameFor(req, deps, { title: `Importing ${job.fileName}`, section: 'imports', script: PROGRESS_SCRIPT }), renderImportProgressPage(job)));
  });
  // The outcome box as a fragment, so the progress script shows exactly what the server renders.
  scope.get<{ Params: { id: string } }>('/imports/jobs/:id/outcome', async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(renderOutcome(deps.imports.get(req.params.id)).value),
  );

  scope.get('/imports', async (req, reply) => {
    const hasRecords = deps.readDb.prepare('SELECT 1 FROM _berth_imports LIMIT 1').get();
    const records = hasRecords ? (await loadCsvImport()).listImports(deps.readDb) : [];
    return reply.type('text/html; charset=utf-8').send(renderPage(frameFor(req, deps, { title: 'Imports', section: 'imports' }), renderImportsPage(records, deps.imports.running())));
  });
}
