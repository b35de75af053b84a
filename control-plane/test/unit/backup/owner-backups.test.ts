// The pure parts of the owner's backups and the purge, on a real control-plane database file and
// real directories: the timeline from Litestream's ltx listing, which lineages a purge may take
// (only those ended before the retention window), that it removes their files and logs each one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planPurge, purgeBackups } from '../../../src/backup/backup-purge.js';
import { endLineage, readLineages, startLineage, type Lineage } from '../../../src/backup/lineage-store.js';
import { parseLtxJson } from '../../../src/backup/litestream-cli.js';
import { timelineOf } from '../../../src/backup/restore-timeline.js';
import { insertUser } from '../../../src/auth/users.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { insertTenant, markTenantDeleted } from '../../../src/tenants/tenant-store.js';
import { parseMoment } from '../../../src/http/owner-backup-routes.js';

const H = 3_600_000;
const lineage = (over: Partial<Lineage>): Lineage => ({ id: 1, tenantId: 1, slug: 'a', volumeIdentity: 'v', startedAt: 0, reason: 'first replication', endedAt: null, endReason: null, purgedAt: null, ...over });

test('parseLtxJson reads litestream ltx -json', () => {
  const files = parseLtxJson('[{"level":9,"min_txid":"0000000000000001","max_txid":"0000000000000003","size":567,"timestamp":"2026-12-04T16:47:36Z"}]');
  assert.deepEqual(files, [{ level: 9, minTxid: '0000000000000001', maxTxid: '0000000000000003', size: 567, at: Date.parse('2026-12-04T16:47:36Z') }]);
  assert.deepEqual(parseLtxJson('[]'), []);
});

test('timelineOf: earliest within the window, latest, snapshots, points newest first, purged left out', () => {
  const now = 100 * H;
  const files = new Map([
    [1, [{ level: 9, minTxid: '1', maxTxid: '1', size: 1, at: 2 * H }, { level: 0, minTxid: '2', maxTxid: '2', size: 1, at: 3 * H }]],
    [2, [{ level: 0, minTxid: '1', maxTxid: '1', size: 1, at: 99 * H }, { level: 0, minTxid: '2', maxTxid: '2', size: 1, at: 99 * H + 1000 }, { level: 1, minTxid: '1', maxTxid: '2', size: 1, at: 99 * H + 1000 }]],
  ]);
  const t = timelineOf('a', [lineage({ id: 1, startedAt: H, endedAt: 50 * H }), lineage({ id: 2, startedAt: 50 * H }), lineage({ id: 3, purgedAt: 1 })], files, now, 168);
  assert.equal(t.earliestRestorable, 2 * H);
  assert.equal(t.latestReplicated, 99 * H + 1000);
  assert.deepEqual(t.lineages.map((l) => l.lineageId), [2, 1]);
  assert.deepEqual(t.lineages[0]!.points, [99 * H + 1000, 99 * H]);
  assert.deepEqual(t.lineages[1]!.snapshots, [2 * H]);
  // A shorter window: the earliest restorable moment is its start.
  assert.equal(timelineOf('a', [lineage({ id: 1 })], files, now, 10).earliestRestorable, 90 * H);
});

test('planPurge takes only lineages that ended before the window', () => {
  const tenants = [{ id: 1, desiredState: 'deleted' as const }, { id: 2, desiredState: 'running' as const }];
  const now = 1000 * H;
  const ls = [
    lineage({ id: 1, tenantId: 1, endedAt: now - 200 * H, endReason: 'tenant deleted' }),
    lineage({ id: 2, tenantId: 2, endedAt: now - 169 * H, endReason: 'superseded: restore' }),
    lineage({ id: 3, tenantId: 2, endedAt: null }),
    lineage({ id: 4, tenantId: 1, endedAt: now - 167 * H }),
  ];
  assert.deepEqual(planPurge(ls, tenants, now, 168 * H).map((c) => [c.lineageId, c.lastOfDeletedTenant]), [[1, false], [2, false]]);
  assert.deepEqual(planPurge(ls, tenants, now + 2 * H, 168 * H).map((c) => [c.lineageId, c.lastOfDeletedTenant]), [[1, false], [2, false], [4, true]]);
});

test('purgeBackups: refuses inside the window, removes files past it, one audit line each', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-purge-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, 'berth.db'));
  t.after(() => db.close());
  const backupDir = join(dir, 'backups');
  const config = { backupDir, backupS3: null, backupRetentionHours: 168 };
  const owner = insertUser(db, 'o@example.test', 'x', 0);
  const gone = insertTenant(db, { slug: 'gone', ownerId: owner.id, image: 'i' }, 0);
  const live = insertTenant(db, { slug: 'live', ownerId: owner.id, image: 'i' }, 0);
  const start = Date.now() - 400 * H;
  const l1 = startLineage(db, { tenantId: gone, slug: 'gone', volumeIdentity: 'v', reason: 'first replication' }, start);
  const l2 = startLineage(db, { tenantId: live, slug: 'live', volumeIdentity: 'v', reason: 'first replication' }, start);
  markTenantDeleted(db, gone, 0, start + H);
  endLineage(db, l1, 'tenant deleted', Date.now() - 10 * H);
  for (const p of [join(backupDir, 'gone', String(l1), 'ltx'), join(backupDir, 'gone', 'kept', 'x'), join(backupDir, 'live', String(l2), 'ltx')]) {
    mkdirSync(p, { recursive: true });
    writeFileSync(join(p, 'f'), 'x');
  }

  assert.throws(() => purgeBackups({ config, db }, 24, 'test'), /inside the retention window/);
  assert.deepEqual(purgeBackups({ config, db }, null, 'test').purged, [], 'ended 10 h ago: within the 168 h window');
  assert.ok(existsSync(join(backupDir, 'gone', String(l1))));

  const later = Date.now() + 160 * H;
  const r = purgeBackups({ config, db }, null, 'test', later);
  assert.deepEqual(r.purged.map((c) => c.lineageId), [l1]);
  assert.equal(existsSync(join(backupDir, 'gone')), false, 'lineage and kept databases of the deleted tenant gone');
  assert.ok(existsSync(join(backupDir, 'live', String(l2), 'ltx', 'f')), 'a running tenant\'s open lineage stays');
  assert.ok(readLineages(db).find((l) => l.id === l1)!.purgedAt !== null);
  const audit = db.prepare("SELECT actor, subject, detail FROM audit_log WHERE action = 'backup.purge'").all() as { actor: string; subject: string; detail: string }[];
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.subject, 'gone');
  assert.equal(JSON.parse(audit[0]!.detail).lineage, l1);
});

test('parseMoment: ISO with or without a zone (UTC), refuses garbage and the future', () => {
  assert.equal(parseMoment('2026-01-31T14:05'), Date.UTC(2026, 0, 31, 14, 5));
  assert.equal(parseMoment('2026-01-31 14:05:30'), Date.UTC(2026, 0, 31, 14, 5, 30));
  assert.equal(parseMoment('2026-01-31T15:05:00+01:00'), Date.UTC(2026, 0, 31, 14, 5));
  assert.throws(() => parseMoment('yesterday'), /not a date and time/);
  assert.throws(() => parseMoment(new Date(Date.now() + 3_600_000).toISOString()), /in the future/);
});
