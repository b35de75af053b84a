// The control plane's database (password, session and token hashes) is 0600 with its -wal and
// -shm, in a 0700 directory — also when the process umask is permissive and when an older
// version left the files readable by everyone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/db/open-database.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

test('a new database: 0700 directory, 0600 db, -wal and -shm under umask 022', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-modes-'));
  const previous = process.umask(0o022);
  try {
    const state = join(root, 'state');
    const db = openDatabase(join(state, 'berth.db'));
    db.prepare('CREATE TABLE t (x)').run();
    assert.equal(mode(state), '700');
    for (const f of ['berth.db', 'berth.db-wal', 'berth.db-shm']) assert.equal(mode(join(state, f)), '600', f);
    db.close();
  } finally {
    process.umask(previous);
    rmSync(root, { recursive: true, force: true });
  }
});

test('an existing world-readable state directory and database are tightened at open', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-modes-'));
  try {
    const state = join(root, 'state');
    mkdirSync(state, { mode: 0o755 });
    chmodSync(state, 0o755);
    const first = openDatabase(join(state, 'berth.db'));
    first.close();
    chmodSync(join(state, 'berth.db'), 0o644);
    chmodSync(state, 0o755);
    const db = openDatabase(join(state, 'berth.db'));
    assert.equal(mode(state), '700');
    for (const f of ['berth.db', 'berth.db-wal', 'berth.db-shm']) assert.equal(mode(join(state, f)), '600', f);
    db.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
