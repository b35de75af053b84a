// Uploads: the raw request body streams to disk (no multipart, no buffering); then the review
// page previews it (the CSV module reads the start of the file) and the JSON preview for API use.
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../../auth/permissions.js';
import { BerthError, toBerthError } from '../../errors.js';
import { loadCsvImport, type CsvPreview } from '../../imports/csv-import-api.js';
import { cleanFileName, deleteUpload, findUpload, receiveUpload } from '../../imports/upload-store.js';
import { renderPage } from '../../pages/layout.js';
import { renderReviewPage } from '../../pages/review-page.js';
import { listTableNames } from '../../tables/catalog.js';
import type { AppDeps } from '../app-deps.js';
import { frameFor } from '../page-context.js';
import { previewUpload, type ReadingQuery } from '../../imports/preview-upload.js';

export function registerUploadRoutes(scope: FastifyInstance, deps: AppDeps): void {
  // The body is the file itself, whatever its content type: leave it unparsed and stream it.
  void scope.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (_req, _payload, done) => done(null));
    raw.post<{ Querystring: { name?: string } }>('/api/uploads', async (req, reply) => {
      // Before a byte is read: the body is still unconsumed here.
      requirePermission(req.identity, 'import.run');
      const raw = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
      const declared = raw !== undefined && Number.isFinite(raw) ? raw : undefined;
      let pass;
      try {
        // Refused before a byte is stored: too many in flight, or the declared size does not fit.
        pass = await deps.dataBudget.admitUpload(declared !== undefined && declared <= deps.config.limits.maxFileBytes ? declared : undefined);
        const upload = await receiveUpload(deps.db, deps.config.uploadsDir, req.raw, {
          fileName: cleanFileName(req.query.name),
          createdBy: req.identity.email,
          maxBytes: deps.config.limits.maxFileBytes,
          onBytes: pass.add,
          ...(declared !== undefined ? { declaredBytes: declared } : {}),
        });
        return reply.status(201).send({ upload });
      } catch (err) {
        // The rest of the body is not wanted: close the connection after answering.
        reply.header('connection', 'close');
        throw err;
      } finally {
        pass?.release();
      }
    });
  });

  scope.get<{ Params: { id: string } }>('/api/uploads/:id', async (req) => ({ upload: findUpload(deps.readDb, req.params.id) }));

  scope.get<{ Params: { id: string }; Querystring: ReadingQuery }>('/api/uploads/:id/preview', async (req) => {
    const upload = findUpload(deps.readDb, req.params.id);
    return { upload, preview: await previewUpload(deps.config, upload.id, upload.fileName, req.query) };
  });

  scope.delete<{ Params: { id: string } }>('/api/uploads/:id', async (req, reply) => {
    requirePermission(req.identity, 'import.run');
    const upload = findUpload(deps.readDb, req.params.id);
    await deleteUpload(deps.db, deps.config.uploadsDir, upload.id);
    return reply.status(204).send();
  });

  scope.get<{ Params: { id: string }; Querystring: ReadingQuery }>('/uploads/:id/review', async (req, reply) => {
    const upload = findUpload(deps.readDb, req.params.id);
    const csv = await loadCsvImport();
    let preview: CsvPreview | undefined;
    let error: BerthError | undefined;
    try {
      preview = await previewUpload(deps.config, upload.id, upload.fileName, req.query);
    } catch (err) {
      error = toBerthError(err);
      if (error.code === 'INTERNAL') deps.log.error('preview failed', { err });
    }
    const body = renderReviewPage({
      upload,
      ...(preview ? { preview } : {}),
      ...(error ? { error } : {}),
      encodings: csv.ENCODINGS,
      delimiters: csv.DELIMITERS,
      types: csv.COLUMN_TYPES,
      tables: listTableNames(deps.readDb),
      chosen: { ...(req.query.encoding ? { encoding: req.query.encoding } : {}), ...(req.query.delimiter ? { delimiter: req.query.delimiter } : {}) },
    });
    return reply.status(error && error.status >= 500 ? error.status : 200).type('text/html; charset=utf-8').send(renderPage(frameFor(req, deps, { title: `Review ${upload.fileName}`, section: 'tables' }), body));
  });

  scope.post<{ Params: { id: string } }>('/uploads/:id/discard', async (req, reply) => {
    requirePermission(req.identity, 'import.run');
    const upload = findUpload(deps.readDb, req.params.id);
    await deleteUpload(deps.db, deps.config.uploadsDir, upload.id);
    return reply.redirect('/', 303);
  });
}
