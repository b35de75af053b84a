// How much of the disk this instance may fill: uploads plus the database (BERTH_MAX_DATA_MIB),
// and how many uploads may stream in at once (BERTH_MAX_UPLOADS_IN_FLIGHT). Checked before an
// upload is accepted (its Content-Length), on every chunk while it streams (a running count of
// every upload in flight here), before an import starts (it copies the file into the database)
// and while it runs (import-jobs.ts measures at each beat). Each refusal names its limit.
// During a rollout two app copies share the volume; each counts its own uploads in flight, and
// both measure the same files, so together they overshoot by at most what one copy streams at once.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../errors.js';

export interface DataBudget {
  readonly maxBytes: number;
  /** Bytes on disk now: finished uploads and the database (tenant.db, -wal, -shm). */
  usedBytes(): Promise<number>;
  /** Admits one upload (or throws TOO_MANY_UPLOADS / DATA_LIMIT); its pass counts the bytes as they arrive. */
  admitUpload(declaredBytes?: number): Promise<UploadPass>;
  /** Throws DATA_LIMIT unless `bytes` more fit now (an import about to copy a file into the database). */
  requireRoom(bytes: number, what: string): Promise<void>;
}

export interface UploadPass {
  /** Counts `n` more bytes of this upload; throws DATA_LIMIT once the instance would pass its limit. */
  add(n: number): void;
  /** The upload ended (stored, refused or broken off); call exactly once. */
  release(): void;
}

const MIB = 1024 * 1024;

export function dataLimitError(maxBytes: number, usedBytes: number, what: string): BerthError {
  return new BerthError(
    'DATA_LIMIT',
    `${what} would take this instance past its data limit of ${Math.round(maxBytes / MIB)} MiB (BERTH_MAX_DATA_MIB; uploads and database together, ${Math.round(usedBytes / MIB)} MiB in use). Delete tables or uploads, or ask the operator for more.`,
    { limit: 'BERTH_MAX_DATA_MIB', limitBytes: maxBytes, usedBytes },
  );
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

export function createDataBudget(opts: { dbPath: string; uploadsDir: string; maxBytes: number; maxUploadsInFlight: number }): DataBudget {
  const { maxBytes, maxUploadsInFlight } = opts;
  let inFlight = 0;
  /** Bytes received so far by the uploads streaming in now (their .part files are not measured, so not counted twice). */
  let streaming = 0;

  const usedBytes = async (): Promise<number> => {
    const names = await readdir(opts.uploadsDir).catch(() => [] as string[]);
    const uploads = await Promise.all(names.filter((n) => !n.endsWith('.part')).map((n) => sizeOf(join(opts.uploadsDir, n))));
    const db = await Promise.all(['', '-wal', '-shm'].map((s) => sizeOf(opts.dbPath + s)));
    return [...uploads, ...db].reduce((a, b) => a + b, 0);
  };

  return {
    maxBytes,
    usedBytes,
    async admitUpload(declaredBytes) {
      if (inFlight >= maxUploadsInFlight) {
        throw new BerthError('TOO_MANY_UPLOADS', `${maxUploadsInFlight} uploads are already in progress on this instance (BERTH_MAX_UPLOADS_IN_FLIGHT); retry when one has finished`, {
          limit: 'BERTH_MAX_UPLOADS_IN_FLIGHT',
          inFlight: maxUploadsInFlight,
        });
      }
      inFlight++;
      let released = false;
      let mine = 0;
      const release = () => {
        if (released) return;
        released = true;
        inFlight--;
        streaming -= mine;
      };
      try {
        const base = await usedBytes();
        if (base + streaming + (declaredBytes ?? 0) > maxBytes) throw dataLimitError(maxBytes, base + streaming, 'this upload');
        return {
          add(n) {
            mine += n;
            streaming += n;
            if (base + streaming > maxBytes) throw dataLimitError(maxBytes, base + streaming - mine, 'this upload');
          },
          release,
        };
      } catch (err) {
        release();
        throw err;
      }
    },
    async requireRoom(bytes, what) {
      const used = (await usedBytes()) + streaming;
      if (used + bytes > maxBytes) throw dataLimitError(maxBytes, used, what);
    },
  };
}
