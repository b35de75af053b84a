// Commit step: streams the whole file into a staging table in short batched transactions,
// validating every value against the reviewed plan, then makes the result visible in one short
// final transaction (rename for create/replace, INSERT…SELECT for append) together with the
// provenance row. A large file is parsed by two threads (see README: the split import). Any
// failure or cancellation drops the staging table and the scratch file: all or nothing.
// Each phase is its own module; they pass one ImportRun (import-run.ts) along.
import type Database from 'better-sqlite3';
import type { ImportContext, ImportResult } from './import-context.js';
import type { ImportPlan } from './import-plan.js';
import { prepareImport } from './import-prepare.js';
import { abandonImport, publishImport } from './import-publish.js';
import { streamOwnPart } from './import-stream.js';
import { joinSecondHalf } from './join-second-half.js';

export type { ImportContext, ImportResult } from './import-context.js';
export { newImportId } from './import-prepare.js';

export async function importCsv(db: Database.Database, path: string, plan: ImportPlan, ctx: ImportContext): Promise<ImportResult> {
  const run = prepareImport(db, plan, ctx);
  const restoreCheckpoints = holdCheckpoints(db);
  try {
    const part = await streamOwnPart(run, path);
    const whole = await joinSecondHalf(run, path, part);
    return await publishImport(run, part, whole);
  } catch (err) {
    throw await abandonImport(run, err);
  } finally {
    restoreCheckpoints();
  }
}

/**
 * No checkpoint while rows stream in: each one copied the WAL into the database file and synced
 * it, every 16 MiB, on this import's critical path (the bench's import took 18-30 % longer with
 * them). The import worker checkpoints once the import is published (import-worker.ts), and the
 * app's own connection holds off meanwhile (imports/import-jobs.ts).
 */
function holdCheckpoints(db: Database.Database): () => void {
  const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 0');
  return () => db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
}
