// Phase 3 of an import: the rest of the file after this thread's part. When the split held, the
// second half's scratch files are copied into staging as they are completed (copy-second-half.ts);
// when the rows are over the limit or the second half failed on something other than the file
// (an internal error), this thread parses the second half itself
// (to name the exact line); when the split did not hold, this thread has read the whole file and
// only its hash is missing. Either way the result is the whole file's hash and size.
import { createHash } from 'node:crypto';
import { copySecondHalf } from './copy-second-half.js';
import type { ImportRun } from './import-run.js';
import type { StreamedPart } from './import-stream.js';
import { countLineFeeds, readPrefix } from './locate-byte.js';
import { recordHeartbeat } from './provenance.js';
import { readCsv } from './read-csv.js';

export interface WholeFile {
  readonly sha256: string;
  /** Bytes read in all (the file's size unless it is a pipe). */
  readonly bytes: number;
}

export async function joinSecondHalf(run: ImportRun, path: string, part: StreamedPart): Promise<WholeFile> {
  const { split, read } = part;
  if (split === null) return { sha256: read.sha256 ?? '', bytes: read.bytesRead };
  if (!part.handedOver || run.second === null) {
    // The split did not hold (a quoted field spans it) and this thread read the whole file
    // without hashing it: hash it now (rare).
    const hash = createHash('sha256');
    await readPrefix(path, part.fileSize, (chunk) => hash.update(chunk));
    return { sha256: hash.digest('hex'), bytes: read.bytesRead };
  }
  const { db, tx, clock } = run;
  part.inserter.flush();
  tx.commit();
  clock.end('parse');
  const copy = await copySecondHalf(db, run.second, run.staging, {
    maxRows: run.limits.maxRows,
    firstRows: part.inserter.rows,
    signal: run.ctx.signal,
    afterEach: (staged) => recordHeartbeat(db, run.importId, staged, new Date().toISOString()),
  });
  if (copy.kind === 'copied') {
    clock.end('copy');
    clock.ms.wait = copy.waitMs;
    clock.ms.copy! -= copy.waitMs;
    part.inserter.rows += copy.rows;
    run.bytes = part.fileSize;
    return { sha256: copy.sha256, bytes: part.fileSize };
  }
  // Over the row limit (its line is needed), or the second half failed on its own: parse the rest here.
  await run.second.stop();
  const hash = createHash('sha256');
  const lineOffset = await countLineFeeds(path, split, (chunk) => hash.update(chunk));
  const rest = await readCsv(path, { ...part.readOptions, hash, range: { start: split, lineOffset } }, part.sink, part.afterChunk);
  clock.end('parse');
  run.bytes = rest.bytesRead;
  return { sha256: rest.sha256!, bytes: rest.bytesRead };
}
