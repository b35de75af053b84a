import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOptionsFor } from '../../../src/docker/container-options.js';
import { containerSpecFor } from '../../../src/tenants/container-spec.js';
import { config, tenant } from '../tenants/fixtures.js';

test('the create body carries every hardening setting of the spec and no socket, bind or port', () => {
  const spec = containerSpecFor(tenant(), config);
  const o = createOptionsFor(spec, 'berth-unit-acme-g1-abc123');
  assert.equal(o.name, 'berth-unit-acme-g1-abc123');
  assert.equal(o.User, '10001:10001');
  assert.deepEqual(o.Labels, spec.labels);
  assert.equal(o.StopTimeout, config.stopGraceS);
  const h = o.HostConfig!;
  assert.equal(h.ReadonlyRootfs, true);
  assert.deepEqual(h.CapDrop, ['ALL']);
  assert.deepEqual(h.SecurityOpt, ['no-new-privileges:true']);
  assert.equal(h.Init, true);
  assert.equal(h.Memory, h.MemorySwap);
  assert.equal(h.NanoCpus, config.tenantCpus * 1e9);
  assert.equal(h.PidsLimit, config.tenantPids);
  assert.deepEqual(h.RestartPolicy, { Name: 'unless-stopped' });
  assert.equal(h.NetworkMode, config.network);
  assert.deepEqual(h.Mounts, [{ Type: 'volume', Source: 'berth-unit-acme', Target: '/data', ReadOnly: false }]);
  assert.equal(h.Binds, undefined);
  assert.equal(h.PortBindings, undefined);
  assert.ok(!JSON.stringify(o).includes('docker.sock'));
  assert.ok(o.Env!.includes('PORT=8080'));
});
