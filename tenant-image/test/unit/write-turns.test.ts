// The request thread's writes against an import worker that commits batch after batch, on a
// real database file and a real worker thread; a writer the importer cannot see in its counter
// (another process, during a rollout); and the skippable beat write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../../src/db/open-database.js';
import { tryWriteTx, writeTx } from '../../src/db/write-tx.js';
import { sharedWriteWaiters } from '../../src/db/write-turns.js';
import { tempDbPath, twoConnections } from '../support/temp-db.js';

/** A worker that holds the write lock in back-to-back batches (as the importer does) until told to stop. */
function busyImporter(dbPath: string, holdMs: number, waiters: Int32Array = sharedWriteWaiters()): { stop: () => Promise<number> } {
  const here = new URL('.', import.meta.url);
  const tx = JSON.stringify(new URL('../../src/csv-import/immediate-transaction.ts', here).href);
  const turns = JSON.stringify(new URL('../../src/db/write-turns.ts', here).href);
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `
    const { workerData, parentPort } = await import('node:worker_threads');
    (await import(${tsxApi})).register();
    const { BatchTransaction } = await import(${tx});
    const { adoptWriteWaiters } = await import(${turns});
    const Database = (await import('better-sqlite3')).default;
    adoptWriteWaiters(workerData.waiters);
    const db = new Database(workerData.dbPath);
    db.pragma('busy_timeout = 5000');
    const batch = new BatchTransaction(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let stop = false, batches = 0;
    parentPort.on('message', () => { stop = true; });
    while (!stop) {
      batch.begin();
      const until = performance.now() + workerData.holdMs;
      while (performance.now() < until) insert.run('import');
      batch.commit();
      batches++;
      await new Promise((r) => setImmediate(r));
    }
    db.close();
    parentPort.postMessage(batches);`;
  const worker = new Worker(code, { eval: true, workerData: { dbPath, holdMs, waiters } });
  return {
    stop: () =>
      new Promise<number>((resolve, reject) => {
        worker.once('message', (batches: number) => void worker.terminate().then(() => resolve(batches)));
        worker.once('error', reject);
        worker.postMessage('stop');
      }),
  };
}

test('request-thread writes get their turn between an import worker’s back-to-back batches', async (t) => {
  const path = tempDbPath(t);
  const db = openDatabase(path, { busyTimeoutMs: 2000 });
  t.after(() => db.close());
  db.exec('CREATE TABLE t (v TEXT)');
  const importer = busyImporter(path, 60);
  const importRows = () => db.prepare("SELECT count(*) FROM t WHERE v = 'import'").pluck().get() as number;
  try {
    for (const deadline = Date.now() + 20_000; importRows() === 0; ) {
      if (Date.now() > deadline) throw new Error('the importer never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    // With only SQLite's sleeping busy handler these starve until the 2 s timeout and fail.
    // One write per importer batch: each is made once the importer has committed another one.
    for (let i = 0; i < 20; i++) {
      const seen = importRows();
      while (importRows() === seen) await new Promise((r) => setImmediate(r));
      writeTx(db, () => db.prepare('INSERT INTO t (v) VALUES (?)').run('request'));
    }
  } finally {
    const batches = await importer.stop();
    assert.ok(batches > 5, `the importer kept committing (${batches} batches)`);
  }
  assert.equal(db.prepare("SELECT count(*) FROM t WHERE v = 'request'").pluck().get(), 20);
});

test('tryWriteTx skips instead of waiting while another connection holds the lock, and restores the busy timeout', (t) => {
  const { a, b } = twoConnections(t, (path) => openDatabase(path, { busyTimeoutMs: 5000 }));
  a.exec('CREATE TABLE beat (n INTEGER)');
  b.exec('BEGIN IMMEDIATE');
  const started = performance.now();
  assert.equal(tryWriteTx(a, () => a.prepare('INSERT INTO beat VALUES (1)').run()), false);
  assert.ok(performance.now() - started < 1000, 'did not wait for the busy timeout');
  assert.equal(a.pragma('busy_timeout', { simple: true }), 5000);
  b.exec('COMMIT');
  assert.equal(tryWriteTx(a, () => a.prepare('INSERT INTO beat VALUES (2)').run()), true);
  assert.deepEqual(a.prepare('SELECT n FROM beat').pluck().all(), [2]);
});

test('a writer of another process gets its turn too: it leaves a marker the importer looks for', async (t) => {
  const path = tempDbPath(t);
  const db = openDatabase(path, { busyTimeoutMs: 2000 });
  t.after(() => db.close());
  db.exec('CREATE TABLE t (v TEXT)');
  // Its own counter, not the request thread's: to the importer this writer is in another process.
  const importer = busyImporter(path, 60, new Int32Array(new SharedArrayBuffer(4)));
  const importRows = () => db.prepare("SELECT count(*) FROM t WHERE v = 'import'").pluck().get() as number;
  try {
    for (const deadline = Date.now() + 20_000; importRows() === 0; ) {
      if (Date.now() > deadline) throw new Error('the importer never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    // Written whenever, as a request would: without the marker the busy handler's retries keep
    // landing inside the importer's batches, and these fail with SQLITE_BUSY after 2 s.
    for (let i = 0; i < 10; i++) writeTx(db, () => db.prepare('INSERT INTO t (v) VALUES (?)').run('other'));
    // ... while the importer was committing all along: it is still at it.
    const seen = importRows();
    for (const deadline = Date.now() + 20_000; importRows() === seen; ) {
      if (Date.now() > deadline) throw new Error('the importer stopped committing');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await importer.stop();
  }
  assert.equal(db.prepare("SELECT count(*) FROM t WHERE v = 'other'").pluck().get(), 10);
  assert.equal(existsSync(`${path}-writer-waiting`), false, 'the marker is removed');
});
