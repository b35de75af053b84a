// /__berth/restore-table, /__berth/undo-table-restore and /__berth/database-copy on real SQLite
// files: one table comes back from a copy (beside, or replacing the current one, which is
// kept), other tables untouched, an activity entry written, the copy deleted; a replace is undone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openReadConnection } from '../../src/db/open-database.js';
import { writeTx } from '../../src/db/write-tx.js';
import { minuteStamp, renameCreateStatement } from '../../src/edits/table-restore.js';
import { startTestApp } from '../support/test-app.js';

const actor = { userId: '7', email: 'owner@example.test' };

test('renameCreateStatement and minuteStamp', () => {
  assert.equal(renameCreateStatement('CREATE TABLE "a""b" (x TEXT)', 'n'), 'CREATE TABLE "n" (x TEXT)');
  assert.equal(renameCreateStatement('create table fruit(name)', 'n_2'), 'CREATE TABLE "n_2"(name)');
  assert.equal(minuteStamp(Date.UTC(2026, 0, 31, 14, 5, 59)), '202601311405');
});

test('restore-table: beside and replace leave other tables alone; undo swaps back; copy deleted', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  writeTx(ta.db, () => {
    ta.db.exec('CREATE TABLE fruit (name TEXT, n INTEGER); CREATE TABLE other (x TEXT)');
    ta.db.prepare('INSERT INTO fruit VALUES (?, 1), (?, 2)').run('apple', 'pear');
    ta.db.prepare('INSERT INTO other VALUES (?)').run('kept');
  });
  // The copy the control plane would place: the database as it was then.
  const snap = (await ta.app.inject({ method: 'POST', url: '/__berth/database-copy' })).json() as { file: string; bytes: number };
  assert.ok(snap.bytes > 0);
  const copyPath = join(ta.dir, snap.file);
  const at = Date.UTC(2026, 0, 31, 14, 5);
  writeTx(ta.db, () => {
    ta.db.exec("DELETE FROM fruit WHERE name = 'apple'; INSERT INTO other VALUES ('later')");
  });
  const place = (name: string) => (copyFileSync(copyPath, join(ta.dir, name)), name);

  const refused = await ta.app.inject({ method: 'POST', url: '/__berth/restore-table', headers: { 'x-forwarded-for': '10.0.0.1' }, payload: { file: place('.berth-table-a.db'), table: 'fruit', mode: 'beside', at, actor } });
  assert.equal(refused.statusCode, 403);
  const badFile = await ta.app.inject({ method: 'POST', url: '/__berth/restore-table', payload: { file: '../tenant.db', table: 'fruit', mode: 'beside', at, actor } });
  assert.equal(badFile.statusCode, 400);
  const reserved = await ta.app.inject({ method: 'POST', url: '/__berth/restore-table', payload: { file: '.berth-table-a.db', table: '_berth_activity', mode: 'replace', at, actor } });
  assert.equal(reserved.statusCode, 422, reserved.body);
  assert.equal(existsSync(join(ta.dir, '.berth-table-a.db')), false, 'a refused copy is deleted too');

  const beside = await ta.app.inject({ method: 'POST', url: '/__berth/restore-table', payload: { file: place('.berth-table-b.db'), table: 'fruit', mode: 'beside', at, actor } });
  assert.equal(beside.statusCode, 200, beside.body);
  assert.deepEqual(beside.json(), { table: 'fruit', restoredAs: 'fruit_restored_202601311405', keptAs: null, rows: 2, at });
  assert.equal(existsSync(join(ta.dir, '.berth-table-b.db')), false);
  assert.deepEqual(ta.db.prepare('SELECT name FROM fruit ORDER BY rowid').pluck().all(), ['pear']);
  assert.deepEqual(ta.db.prepare('SELECT rowid, name FROM fruit_restored_202601311405 ORDER BY rowid').raw().all(), [[1, 'apple'], [2, 'pear']]);
  assert.deepEqual(ta.db.prepare('SELECT x FROM other ORDER BY rowid').pluck().all(), ['kept', 'later']);

  const replace = await ta.app.inject({ method: 'POST', url: '/__berth/restore-table', payload: { file: place('.berth-table-c.db'), table: 'fruit', mode: 'replace', at, actor } });
  assert.equal(replace.statusCode, 200, replace.body);
  assert.equal(replace.json().keptAs, 'fruit_replaced_202601311405');
  assert.deepEqual(ta.db.prepare('SELECT name FROM fruit ORDER BY rowid').pluck().all(), ['apple', 'pear']);
  assert.deepEqual(ta.db.prepare('SELECT name FROM fruit_replaced_202601311405').pluck().all(), ['pear']);
  assert.deepEqual(ta.db.prepare('SELECT x FROM other ORDER BY rowid').pluck().all(), ['kept', 'later']);
  const activity = ta.db.prepare("SELECT actor_email, summary FROM _berth_activity WHERE action = 'table.restore' ORDER BY id").raw().all() as string[][];
  assert.equal(activity.length, 2);
  assert.equal(activity[1]![0], 'owner@example.test');

  const missing = await ta.app.inject({ method: 'POST', url: '/__berth/restore-table', payload: { file: place('.berth-table-d.db'), table: 'nope', mode: 'replace', at, actor } });
  assert.equal(missing.statusCode, 404);
  assert.ok(ta.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'fruit'").get(), 'a failed restore changes nothing');

  const undo = await ta.app.inject({ method: 'POST', url: '/__berth/undo-table-restore', payload: { table: 'fruit', keptAs: 'fruit_replaced_202601311405', actor } });
  assert.equal(undo.statusCode, 200, undo.body);
  assert.deepEqual(ta.db.prepare('SELECT name FROM fruit').pluck().all(), ['pear']);
  assert.deepEqual(ta.db.prepare(`SELECT name FROM "${undo.json().restoredKeptAs}" ORDER BY rowid`).pluck().all(), ['apple', 'pear']);

  const copy = openReadConnection(copyPath, 5000);
  assert.deepEqual(copy.prepare('SELECT name FROM fruit ORDER BY rowid').pluck().all(), ['apple', 'pear']);
  copy.close();
});

test('restore-table keeps rowids: 1..n (copied whole records) and with gaps (every rowid given)', async (t) => {
  const ta = await startTestApp();
  t.after(() => ta.close());
  writeTx(ta.db, () => {
    ta.db.exec('CREATE TABLE dense (name TEXT, n INTEGER); CREATE TABLE sparse (name TEXT, n INTEGER)');
    for (let i = 1; i <= 50; i++) ta.db.prepare('INSERT INTO dense VALUES (?, ?)').run(`d${i}`, i);
    ta.db.prepare('INSERT INTO sparse (rowid, name, n) VALUES (3, ?, 1), (7, ?, 2), (9, ?, 3)').run('a', 'b', 'c');
  });
  const snap = (await ta.app.inject({ method: 'POST', url: '/__berth/database-copy' })).json() as { file: string };
  const at = Date.UTC(2026, 1, 1, 9, 30);
  const rowsOf = (table: string) => ta.db.prepare(`SELECT rowid, name, n FROM "${table}" ORDER BY rowid`).raw().all();
  for (const table of ['dense', 'sparse']) {
    const file = `.berth-table-${table}.db`;
    copyFileSync(join(ta.dir, snap.file), join(ta.dir, file));
    const res = await ta.app.inject({ method: 'POST', url: '/__berth/restore-table', payload: { file, table, mode: 'beside', at, actor } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(rowsOf(res.json().restoredAs), rowsOf(table));
  }
  assert.deepEqual(rowsOf('sparse_restored_202602010930').map((r) => (r as unknown[])[0]), [3, 7, 9]);
});
