// Uploaded CSV files, streamed straight to <data>/uploads/<id>.csv (never buffered in memory),
// with the size limit enforced while the bytes arrive. A row in _berth_uploads records the
// original name and who uploaded it. Files are removed after commit or discard, and at startup
// once older than the TTL (not sooner: during a rollout the other app copy may be receiving or
// importing one right now).
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/write-tx.js';
import { BerthError } from '../errors.js';

export interface Upload {
  readonly id: string;
  readonly fileName: string;
  readonly sizeBytes: number;
  readonly createdBy: string;
  readonly createdAt: number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function uploadPath(dir: string, id: string): string {
  if (!ID_PATTERN.test(id)) throw new BerthError('NOT_FOUND', 'no such upload', { upload: id });
  return join(dir, `${id}.csv`);
}

/** A display name for the file: no path, no control characters, bounded length. */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return Array.from(base || 'upload.csv').slice(0, 200).join('');
}

export async function receiveUpload(
  db: Db,
  dir: string,
  body: Readable,
  meta: { fileName: string; createdBy: string; maxBytes: number; declaredBytes?: number; onBytes?: (n: number) => void },
): Promise<Upload> {
  if (meta.declaredBytes !== undefined && meta.declaredBytes > meta.maxBytes) {
    throw new BerthError('PAYLOAD_TOO_LARGE', `the file is larger than the limit of ${meta.maxBytes} bytes`, { limitBytes: meta.maxBytes });
  }
  await mkdir(dir, { recursive: true });
  const id = randomBytes(16).toString('base64url');
  const final = uploadPath(dir, id);
  const part = `${final}.part`;
  let size = 0;
  try {
    size = await copyWithLimit(body, createWriteStream(part, { flags: 'wx' }), meta.maxBytes, meta.onBytes);
    if (size === 0) throw new BerthError('VALIDATION_FAILED', 'the file is empty');
    await rename(part, final);
  } catch (err) {
    await rm(part, { force: true });
    if (err instanceof BerthError) throw err;
    throw new BerthError('BAD_REQUEST', 'the upload was interrupted', undefined, { cause: err });
  }
  const upload: Upload = { id, fileName: meta.fileName, sizeBytes: size, createdBy: meta.createdBy, createdAt: Date.now() };
  writeTx(db, () =>
    db.prepare('INSERT INTO _berth_uploads (id, file_name, size_bytes, created_by, created_at) VALUES (?, ?, ?, ?, ?)').run(id, upload.fileName, size, upload.createdBy, upload.createdAt),
  );
  return upload;
}

/**
 * Copies body to out with backpressure and a byte limit. Past the limit the rest of the body
 * is read and discarded rather than destroying the request, so the client still gets the 413
 * (the route answers with Connection: close, which ends the upload).
 */
function copyWithLimit(body: Readable, out: WriteStream, maxBytes: number, onBytes?: (n: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let failed = false;
    // Settles once, and only after the file is closed: the write stream opens its file
    // asynchronously, so a rejection before that let the caller's rm() run first and the late
    // open leave a .part file behind (CI saw it). `failed` also keeps the body's 'end' from
    // resolving a copy that failed (an instance over its data budget got 201, not 413).
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      body.off('data', onData);
      body.resume();
      if (out.closed) reject(err);
      else {
        out.once('close', () => reject(err));
        out.destroy();
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      try {
        // The instance's running byte count (data-budget.ts) throws once the instance is full.
        onBytes?.(chunk.length);
      } catch (err) {
        fail(err);
        return;
      }
      if (size > maxBytes) {
        fail(new BerthError('PAYLOAD_TOO_LARGE', `the file is larger than the limit of ${maxBytes} bytes`, { limitBytes: maxBytes }));
      } else if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    };
    body.on('data', onData);
    body.once('end', () => {
      if (!failed) out.end(() => resolve(size));
    });
    body.once('aborted', () => fail(new Error('client aborted the upload')));
    body.once('error', fail);
    out.once('error', fail);
  });
}

export function findUpload(db: Db, id: string): Upload {
  const row = ID_PATTERN.test(id)
    ? (db.prepare('SELECT id, file_name AS fileName, size_bytes AS sizeBytes, created_by AS createdBy, created_at AS createdAt FROM _berth_uploads WHERE id = ?').get(id) as Upload | undefined)
    : undefined;
  if (!row) throw new BerthError('NOT_FOUND', 'no such upload (it may have been imported or discarded already)', { upload: id });
  return row;
}

export async function deleteUpload(db: Db, dir: string, id: string): Promise<void> {
  await rm(uploadPath(dir, id), { force: true });
  writeTx(db, () => db.prepare('DELETE FROM _berth_uploads WHERE id = ?').run(id));
}

/** Cleanup of abandoned uploads (and interrupted .part files) older than ttlMs: at startup and by upload-sweep.ts. */
export async function removeStaleUploads(db: Db, dir: string, ttlMs: number, now = Date.now()): Promise<number> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const p = join(dir, name);
    const st = await stat(p).catch(() => undefined);
    if (!st || now - st.mtimeMs < ttlMs) continue;
    await rm(p, { force: true });
    removed++;
  }
  writeTx(db, () => db.prepare('DELETE FROM _berth_uploads WHERE created_at < ?').run(now - ttlMs));
  return removed;
}
