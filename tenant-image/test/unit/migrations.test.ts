// The schema's numbered migrations against the rollout rule: a database the previous version
// made (migrations 1-3 plus the tables it created lazily at first use) migrates with its data
// intact, and the previous version's statements keep working on a migrated database; running
// the migrations again, or from two connections at the same moment, applies each one once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { appliedMigrations, openDatabase, type Db } from '../../src/db/open-database.js';
import { MIGRATIONS } from '../../src/db/migrations.js';
import { tempDbPath } from '../support/temp-db.js';

const OPTS = { busyTimeoutMs: 5000 };
/** The previous version's list: it knew migrations 1-3. */
const PREVIOUS = MIGRATIONS.filter((m) => m.id <= 3);
const MOVED = ['_berth_imports', '_berth_search_indexes', '_berth_table_rows'];

/** What the previous version ran at first use (csv-import/provenance.ts, search-index.ts, tables/stored-row-counts.ts), verbatim. */
const PREVIOUS_LAZY_DDL = `
    CREATE TABLE IF NOT EXISTS _berth_imports (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      table_name TEXT NOT NULL,
      mode TEXT NOT NULL,
      status TEXT NOT NULL,
      file_name TEXT NOT NULL,
      file_bytes INTEGER,
      sha256 TEXT,
      encoding TEXT NOT NULL,
      delimiter TEXT NOT NULL,
      columns_json TEXT NOT NULL,
      rows_imported INTEGER NOT NULL DEFAULT 0,
      actor TEXT,
      started_at TEXT NOT NULL,
      heartbeat_at TEXT NOT NULL,
      finished_at TEXT,
      error_code TEXT,
      error_message TEXT
    );
    CREATE INDEX IF NOT EXISTS _berth_imports_by_table ON _berth_imports (table_name, seq);
    CREATE TABLE IF NOT EXISTS _berth_search_indexes (
      table_name TEXT PRIMARY KEY,
      fts_table TEXT NOT NULL,
      columns_json TEXT NOT NULL DEFAULT '[]',
      import_id TEXT,
      rows_indexed INTEGER NOT NULL DEFAULT 0,
      built_at TEXT,
      build_table TEXT,
      build_heartbeat_at TEXT
    );
    CREATE TABLE IF NOT EXISTS _berth_table_rows (table_name TEXT PRIMARY KEY, rootpage INTEGER NOT NULL, max_rowid INTEGER NOT NULL, rows INTEGER NOT NULL)`;

/** The previous version's writes to those tables (an import started, beating, published; an index recorded; a count stored). */
function previousVersionWrites(db: Db, id: string, table: string): void {
  db.exec(PREVIOUS_LAZY_DDL);
  db.prepare(
    `INSERT INTO _berth_imports (id, table_name, mode, status, file_name, encoding, delimiter, columns_json, actor, started_at, heartbeat_at)
     VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, table, 'create', `${table}.csv`, 'utf-8', ',', '[]', 'ann@example.com', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
  db.prepare('UPDATE _berth_imports SET rows_imported = ?, heartbeat_at = ? WHERE id = ?').run(2, '2026-01-01T00:00:01.000Z', id);
  db.prepare("UPDATE _berth_imports SET status = 'succeeded', finished_at = ?, sha256 = ?, file_bytes = ? WHERE id = ?").run('2026-01-01T00:00:02.000Z', 'ab'.repeat(32), 10, id);
  db.prepare(
    `INSERT INTO _berth_search_indexes (table_name, fts_table, columns_json, import_id, rows_indexed, built_at) VALUES (?, ?, '[]', ?, 2, ?)
     ON CONFLICT (table_name) DO UPDATE SET import_id = excluded.import_id`,
  ).run(table, `_berth_fts_${table}`, id, '2026-01-01T00:00:03.000Z');
  db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (name TEXT)`);
  db.prepare(`INSERT INTO "${table}" VALUES ('a'), ('b')`).run();
  db.prepare(
    `INSERT INTO _berth_table_rows (table_name, rootpage, max_rowid, rows) VALUES (?, 2, 2, 2)
     ON CONFLICT (table_name) DO UPDATE SET rows = excluded.rows`,
  ).run(table);
}

function shapeOf(db: Db): Record<string, unknown> {
  return Object.fromEntries(MOVED.map((t) => [t, db.prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)').all(t)]));
}

function contentOf(db: Db): Record<string, unknown> {
  return Object.fromEntries(MOVED.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()]));
}

test('a database made by the previous version migrates with its data, and the previous version keeps working on it', (t) => {
  const path = tempDbPath(t);
  const before = openDatabase(path, OPTS, PREVIOUS);
  previousVersionWrites(before, 'imp1', 'fruit');
  const shape = shapeOf(before);
  const content = contentOf(before);
  before.close();

  const migrated = openDatabase(path, OPTS);
  t.after(() => migrated.close());
  assert.deepEqual(appliedMigrations(migrated), MIGRATIONS.map((m) => m.id));
  assert.deepEqual(shapeOf(migrated), shape, 'the tables the previous version made are kept as they are');
  assert.deepEqual(contentOf(migrated), content, 'and so are their rows');

  // The previous version, still serving during the rollout (or started again by a rollback):
  // its runner finds nothing to do, its lazy DDL is a no-op, its statements work.
  const previous = openDatabase(path, OPTS, PREVIOUS);
  t.after(() => previous.close());
  assert.deepEqual(appliedMigrations(previous), MIGRATIONS.map((m) => m.id));
  previousVersionWrites(previous, 'imp2', 'veg');
  assert.equal(migrated.prepare("SELECT count(*) FROM _berth_imports WHERE status = 'succeeded'").pluck().get(), 2);
});

test('the migrated tables have the shape the previous version creates lazily, so either version may come first', (t) => {
  const lazy = openDatabase(tempDbPath(t), OPTS, PREVIOUS);
  const fresh = openDatabase(tempDbPath(t), OPTS);
  t.after(() => {
    lazy.close();
    fresh.close();
  });
  lazy.exec(PREVIOUS_LAZY_DDL);
  assert.deepEqual(shapeOf(fresh), shapeOf(lazy));
  // A database the new version made first: the previous version's first use finds its tables.
  previousVersionWrites(fresh, 'imp1', 'fruit');
  assert.equal(fresh.prepare('SELECT rows FROM _berth_table_rows WHERE table_name = ?').pluck().get('fruit'), 2);
});

test('migrations run twice apply nothing the second time', (t) => {
  const path = tempDbPath(t);
  openDatabase(path, OPTS).close();
  const again = openDatabase(path, OPTS);
  t.after(() => again.close());
  const rows = again.prepare('SELECT id, applied_at FROM _berth_migrations ORDER BY id').all() as { id: number; applied_at: number }[];
  assert.deepEqual(rows.map((r) => r.id), MIGRATIONS.map((m) => m.id));
  openDatabase(path, OPTS).close();
  assert.deepEqual(again.prepare('SELECT id, applied_at FROM _berth_migrations ORDER BY id').all(), rows, 'no migration recorded again');
});

/** Two threads, each with its own connection, released together to open (and so migrate) one new file. */
async function openFromTwoThreadsAtOnce(path: string): Promise<void> {
  const open = JSON.stringify(new URL('../../src/db/open-database.ts', import.meta.url).href);
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const code = `
    const { workerData, parentPort } = await import('node:worker_threads');
    (await import(${tsxApi})).register();
    const { openDatabase } = await import(${open});
    const gate = new Int32Array(workerData.gate);
    Atomics.add(gate, 0, 1);
    // Both threads have loaded everything; start together (bounded wait).
    for (let i = 0; i < 500 && Atomics.load(gate, 0) < 2; i++) Atomics.wait(gate, 0, 1, 10);
    const db = openDatabase(workerData.path, { busyTimeoutMs: 5000 });
    db.close();
    parentPort.postMessage('opened');
  `;
  const gate = new SharedArrayBuffer(4);
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { path, gate } });
      let opened = false;
      w.on('message', () => (opened = true));
      w.on('error', reject);
      w.on('exit', (c) => (opened && c === 0 ? resolve() : reject(new Error(`migrating thread exited with ${c}`))));
    });
  await Promise.all([run(), run()]);
}

test('two connections migrating one new database at the same moment apply each migration once', async (t) => {
  for (let round = 0; round < 3; round++) {
    const path = tempDbPath(t);
    await openFromTwoThreadsAtOnce(path);
    const db = openDatabase(path, OPTS);
    assert.deepEqual(db.prepare('SELECT id FROM _berth_migrations ORDER BY id').pluck().all(), MIGRATIONS.map((m) => m.id));
    for (const table of MOVED) assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(table), table);
    db.close();
  }
});
