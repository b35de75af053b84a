import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerSpecFor, specHash, volumeNameFor } from '../../../src/tenants/container-spec.js';
import { LABEL } from '../../../src/tenants/labels.js';
import { imageVersionOf } from '../../../src/tenants/tenant.js';
import { config, tenant } from './fixtures.js';

test('the spec is hardened: non-root, read-only root, no caps, no-new-privileges, init, limits, restart policy', () => {
  const spec = containerSpecFor(tenant(), config);
  assert.equal(spec.user, '10001:10001');
  assert.equal(spec.readonlyRootfs, true);
  assert.deepEqual(spec.capDrop, ['ALL']);
  assert.deepEqual(spec.securityOpt, ['no-new-privileges:true']);
  assert.equal(spec.init, true);
  assert.match(spec.tmpfs['/tmp']!, /noexec/);
  assert.match(spec.tmpfs['/tmp']!, /size=8m/);
  assert.equal(spec.memoryBytes, config.tenantMemoryMib * 1024 * 1024);
  assert.equal(spec.nanoCpus, config.tenantCpus * 1e9);
  assert.equal(spec.pidsLimit, config.tenantPids);
  assert.equal(spec.restartPolicy, 'unless-stopped');
  assert.equal(spec.stopTimeoutS, config.stopGraceS);
  assert.equal(spec.network, config.network);
  assert.deepEqual(spec.volume, { name: 'berth-unit-acme', target: '/data' });
});

test('the spec names, environment and labels follow the tenant', () => {
  const spec = containerSpecFor(tenant({ id: 7, slug: 'news-desk', generation: 3, image: 'berth/tenant:2.1.0' }), config);
  assert.equal(spec.namePrefix, 'berth-unit-news-desk-g3');
  assert.deepEqual(spec.env, { PORT: '8080', BERTH_DATA_DIR: '/data', BERTH_TENANT_SLUG: 'news-desk', BERTH_IMAGE: 'berth/tenant:2.1.0' });
  assert.equal(spec.labels[LABEL.instance], 'unit');
  assert.equal(spec.labels[LABEL.tenant], 'news-desk');
  assert.equal(spec.labels[LABEL.tenantId], '7');
  assert.equal(spec.labels[LABEL.generation], '3');
  assert.equal(spec.labels[LABEL.imageVersion], '2.1.0');
  assert.equal(spec.labels[LABEL.role], 'tenant');
  assert.equal(spec.labels['berth.test-run'], 'unit');
  assert.match(spec.labels[LABEL.specHash]!, /^[0-9a-f]{16}$/);
});

test('NODE_OPTIONS is passed only when configured', () => {
  const withOpts = containerSpecFor(tenant(), { ...config, tenantNodeOptions: '--max-semi-space-size=1' });
  assert.equal(withOpts.env.NODE_OPTIONS, '--max-semi-space-size=1');
  assert.equal(containerSpecFor(tenant(), config).env.NODE_OPTIONS, undefined);
});

test('the spec hash is stable and changes exactly when the container would differ', () => {
  const hashOf = (t = tenant(), c = config) => containerSpecFor(t, c).labels[LABEL.specHash];
  const base = hashOf();
  const cases: [string, string | undefined, boolean][] = [
    ['same input', hashOf(), false],
    ['another generation', hashOf(tenant({ generation: 2 })), true],
    ['another image', hashOf(tenant({ image: 'berth/tenant:1.0.1' })), true],
    ['another memory limit', hashOf(tenant(), { ...config, tenantMemoryMib: 256 }), true],
    ['another stop grace', hashOf(tenant(), { ...config, stopGraceS: 5 }), true],
    ['node options', hashOf(tenant(), { ...config, tenantNodeOptions: '--jitless' }), true],
    ['deleted state (not part of the container)', hashOf(tenant({ desiredState: 'deleted' })), false],
  ];
  for (const [what, hash, changes] of cases) assert.equal(hash !== base, changes, what);
});

test('specHash ignores the name and key order', () => {
  const spec = containerSpecFor(tenant(), config);
  const reordered = { ...spec, namePrefix: 'other', env: Object.fromEntries(Object.entries(spec.env).reverse()) };
  assert.equal(specHash(reordered), spec.labels[LABEL.specHash]);
});

test('volume names are per installation and slug', () => {
  assert.equal(volumeNameFor({ slug: 'acme' }, { instance: 'prod' }), 'berth-prod-acme');
});

test('imageVersionOf reads the tag', () => {
  const cases: [string, string][] = [
    ['berth/tenant:1.2.0', '1.2.0'],
    ['berth/tenant', 'latest'],
    ['registry.local:5000/berth/tenant', 'latest'],
    ['registry.local:5000/berth/tenant:v2', 'v2'],
    ['berth/tenant@sha256:abcdef0123456789abcdef', 'sha256:abcdef012345'],
  ];
  for (const [image, want] of cases) assert.equal(imageVersionOf(image), want, image);
});

test('instance data limits reach the container only when the operator set them (unset: no env, same spec hash)', () => {
  const plain = containerSpecFor(tenant(), config);
  assert.equal(plain.env.BERTH_MAX_DATA_MIB, undefined);
  assert.equal(plain.env.BERTH_MAX_UPLOADS_IN_FLIGHT, undefined);
  const set = containerSpecFor(tenant(), { ...config, tenantDataLimitMib: 2048, tenantUploadsInFlight: 3 });
  assert.equal(set.env.BERTH_MAX_DATA_MIB, '2048');
  assert.equal(set.env.BERTH_MAX_UPLOADS_IN_FLIGHT, '3');
  assert.notEqual(set.labels['berth.spec-hash'], plain.labels['berth.spec-hash'], 'a new limit replaces the container');
});
