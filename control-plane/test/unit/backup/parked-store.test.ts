// The parked set in SQLite: what the backup supervisor reads back after a restart or a change of holder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetParked, readParked, saveParked } from '../../../src/backup/parked-store.js';
import { openDatabase } from '../../../src/db/open-database.js';

test('parked databases are saved, updated, read back by a second connection, and forgotten', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-parked-'));
  try {
    const path = join(dir, 'berth.db');
    const db = openDatabase(path);
    saveParked(db, { key: '/v/a/tenant.db#1', asleepSince: 10, stamp: { db: '4096:1:7', wal: null }, parkedAt: 100 });
    saveParked(db, { key: '/v/b/tenant.db#2', asleepSince: null, stamp: { db: null, wal: null }, parkedAt: 200 });
    saveParked(db, { key: '/v/a/tenant.db#1', asleepSince: 11, stamp: { db: '4096:2:7', wal: '0:3:8' }, parkedAt: 300 });
    const other = openDatabase(path);
    assert.deepEqual(readParked(other).sort((x, y) => x.key.localeCompare(y.key)), [
      { key: '/v/a/tenant.db#1', asleepSince: 11, stamp: { db: '4096:2:7', wal: '0:3:8' }, parkedAt: 300 },
      { key: '/v/b/tenant.db#2', asleepSince: null, stamp: { db: null, wal: null }, parkedAt: 200 },
    ]);
    forgetParked(db, '/v/a/tenant.db#1');
    forgetParked(db, '/v/none#9');
    assert.deepEqual(readParked(other).map((p) => p.key), ['/v/b/tenant.db#2']);
    db.close();
    other.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
