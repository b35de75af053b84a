// The review step's reading of an upload (the start of the file: encoding, delimiter, columns
// and types), with the query's encoding and delimiter checked first. Loads the CSV module.
import type { Config } from '../config.js';
import { BerthError } from '../errors.js';
import { loadCsvImport, type CsvPreview, type Delimiter, type Encoding } from './csv-import-api.js';
import { uploadPath } from './upload-store.js';

export type ReadingQuery = { encoding?: string; delimiter?: string };

/** `scanRows`: data rows to detect types over (default: the review step's); 0 reads the header only. */
export async function previewUpload(config: Pick<Config, 'uploadsDir' | 'limits'>, id: string, fileName: string, q: ReadingQuery, scanRows?: number): Promise<CsvPreview> {
  const csv = await loadCsvImport();
  if (q.encoding && !(csv.ENCODINGS as readonly string[]).includes(q.encoding)) throw new BerthError('VALIDATION_FAILED', `unknown encoding "${q.encoding}"`, { encoding: q.encoding });
  if (q.delimiter && !(csv.DELIMITERS as readonly string[]).includes(q.delimiter)) throw new BerthError('VALIDATION_FAILED', 'unsupported delimiter', { delimiter: q.delimiter });
  return csv.previewCsv(uploadPath(config.uploadsDir, id), {
    fileName,
    limits: config.limits,
    ...(scanRows !== undefined ? { scanRows } : {}),
    ...(q.encoding ? { encoding: q.encoding as Encoding } : {}),
    ...(q.delimiter ? { delimiter: q.delimiter as Delimiter } : {}),
  });
}
