import { test } from 'node:test';
import assert from 'node:assert/strict';
import { litestreamConfig, planReplication, replicaFor, type ReplicationInput, type ReplicationPlan } from '../../../src/backup/replication-plan.js';

const vol = (slug: string, identity = `ino-${slug}`) => ({ name: `berth-unit-${slug}`, mountpoint: `/v/${slug}/_data`, identity });
const running = (id: number, slug: string) => ({ id, slug, desiredState: 'running' as const });
const base: ReplicationInput = { tenants: [], volumes: [], openLineages: [], held: new Set(), instance: 'unit' };

const cases: { name: string; input: Partial<ReplicationInput>; want: Partial<ReplicationPlan> }[] = [
  {
    name: 'a running tenant without a lineage starts one (and is not yet replicated)',
    input: { tenants: [running(1, 'a')], volumes: [vol('a')] },
    want: { databases: [], start: [{ tenantId: 1, slug: 'a', volumeIdentity: 'ino-a', reason: 'first replication' }], end: [], unprotected: [] },
  },
  {
    name: 'a running tenant with its lineage on the same volume is replicated into it',
    input: { tenants: [running(1, 'a')], volumes: [vol('a')], openLineages: [{ id: 7, tenantId: 1, volumeIdentity: 'ino-a' }] },
    want: { databases: [{ tenantId: 1, slug: 'a', dbPath: '/v/a/_data/tenant.db', lineageId: 7 }], start: [], end: [], unprotected: [] },
  },
  {
    name: 'a volume created again is not replicated over the old history: unprotected until the operator decides',
    input: { tenants: [running(1, 'a')], volumes: [vol('a', 'ino-new')], openLineages: [{ id: 7, tenantId: 1, volumeIdentity: 'ino-a' }] },
    want: { databases: [], start: [], end: [] },
  },
  {
    name: 'a tenant without a volume yet is unprotected',
    input: { tenants: [running(1, 'a')] },
    want: { databases: [], start: [], end: [], unprotected: [{ tenantId: 1, slug: 'a', reason: 'no volume yet' }] },
  },
  {
    name: 'a deleted tenant ends its lineage and is not replicated',
    input: { tenants: [{ id: 1, slug: 'a', desiredState: 'deleted' }], volumes: [vol('a')], openLineages: [{ id: 7, tenantId: 1, volumeIdentity: 'ino-a' }] },
    want: { databases: [], start: [], end: [{ lineageId: 7, reason: 'tenant deleted' }], unprotected: [] },
  },
  {
    name: 'a tenant a restore holds is left out, its lineage untouched',
    input: { tenants: [running(1, 'a')], volumes: [vol('a')], openLineages: [{ id: 7, tenantId: 1, volumeIdentity: 'ino-a' }], held: new Set([1]) },
    want: { databases: [], start: [], end: [], unprotected: [] },
  },
  {
    name: 'the lineage of a tenant row that is gone ends',
    input: { openLineages: [{ id: 9, tenantId: 5, volumeIdentity: 'x' }] },
    want: { databases: [], start: [], end: [{ lineageId: 9, reason: 'tenant gone' }], unprotected: [] },
  },
];

for (const c of cases) {
  test(`planReplication: ${c.name}`, () => {
    const got = planReplication({ ...base, ...c.input });
    for (const [key, value] of Object.entries(c.want)) assert.deepEqual(got[key as keyof ReplicationPlan], value, key);
  });
}

test('planReplication: a replaced volume names the way out', () => {
  const got = planReplication({ ...base, tenants: [running(1, 'a')], volumes: [vol('a', 'ino-new')], openLineages: [{ id: 7, tenantId: 1, volumeIdentity: 'ino-a' }] });
  assert.equal(got.unprotected.length, 1);
  assert.match(got.unprotected[0]!.reason, /volume replaced.*\.\/berth restore a.*--adopt/);
});

test('planReplication is stable once its lineage changes are applied', () => {
  const first = planReplication({ ...base, tenants: [running(1, 'a')], volumes: [vol('a')] });
  const applied = first.start.map((s, i) => ({ id: i + 1, tenantId: s.tenantId, volumeIdentity: s.volumeIdentity }));
  const second = planReplication({ ...base, tenants: [running(1, 'a')], volumes: [vol('a')], openLineages: applied });
  assert.deepEqual(second.start, []);
  assert.deepEqual(second.databases.map((d) => d.lineageId), [1]);
});

test('replicaFor: one path per lineage, in the directory or the bucket', () => {
  assert.deepEqual(replicaFor('a', 3, { backupDir: '/b', s3: null }), { type: 'file', path: '/b/a/3' });
  assert.deepEqual(replicaFor('a', 3, { backupDir: '/b', s3: { bucket: 'bk', path: '/berth/', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1' } }),
    { type: 's3', bucket: 'bk', path: 'berth/a/3', endpoint: 'http://127.0.0.1:9000', 'force-path-style': true, region: 'us-east-1' });
  assert.deepEqual(replicaFor('a', 3, { backupDir: '/b', s3: { bucket: 'bk', path: '', endpoint: '', region: '' } }), { type: 's3', bucket: 'bk', path: 'a/3' });
});

test('litestreamConfig: control socket, snapshots kept for the retention window, databases in tenant order', () => {
  const cfg = litestreamConfig(
    [{ tenantId: 2, slug: 'b', dbPath: '/v/b/tenant.db', lineageId: 5 }, { tenantId: 1, slug: 'a', dbPath: '/v/a/tenant.db', lineageId: 4 }],
    { backupDir: '/b', s3: null, socketPath: '/s/control.sock', retentionHours: 168, syncIntervalMs: 250 },
  );
  assert.deepEqual(cfg.socket, { enabled: true, path: '/s/control.sock', permissions: 0o600 });
  assert.deepEqual(cfg.snapshot, { interval: '24h', retention: '168h' });
  assert.deepEqual(cfg.dbs, [
    { path: '/v/a/tenant.db', 'monitor-interval': '250ms', replica: { type: 'file', path: '/b/a/4', 'sync-interval': '250ms' } },
    { path: '/v/b/tenant.db', 'monitor-interval': '250ms', replica: { type: 'file', path: '/b/b/5', 'sync-interval': '250ms' } },
  ]);
});

test('the Litestream binary the control plane runs by default is the version build-litestream.sh builds', async () => {
  const { readFileSync } = await import('node:fs');
  const { SETTINGS } = await import('../../../src/config.js');
  const script = readFileSync(new URL('../../../../infra/scripts/lib.sh', import.meta.url), 'utf8');
  const version = /LITESTREAM_VERSION:-(v[\d.]+)/.exec(script)?.[1];
  const level = /LITESTREAM_PATCH_LEVEL="([^"]+)"/.exec(script)?.[1];
  const bin = SETTINGS.find((s) => s.name === 'BERTH_LITESTREAM_BIN')!.default;
  assert.equal(bin, `/var/cache/berth/litestream/${version}-${level}/litestream`);
});
