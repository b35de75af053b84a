// Shared test data for the pure provisioning tests: a real Config (from loadConfig with a
// test environment) and tenants/containers built field by field.
import { loadConfig, type Config } from '../../../src/config.js';
import type { ManagedContainer } from '../../../src/docker/types.js';
import { containerSpecFor } from '../../../src/tenants/container-spec.js';
import { LABEL } from '../../../src/tenants/labels.js';
import type { Tenant } from '../../../src/tenants/tenant.js';

export const config: Config = loadConfig({
  BERTH_INSTANCE: 'unit',
  BERTH_DOMAIN: 'berth.localhost',
  BERTH_STATE_DIR: '/tmp/berth-unit',
  BERTH_EXTRA_LABELS: 'berth.test-run=unit',
});

export function tenant(over: Partial<Tenant> = {}): Tenant {
  return {
    id: 1,
    slug: 'acme',
    image: 'berth/tenant:1.0.0',
    desiredState: 'running',
    generation: 1,
    deletedAt: null,
    purgeVolumeAfter: null,
    volumePurgedAt: null,
    asleep: false,
    asleepChangedAt: null,
    ...over,
  };
}

let seq = 0;
/** A container as the Docker adapter would report it, for tenant t with its current spec unless overridden. */
export function containerOf(t: Tenant, over: Partial<ManagedContainer> & { specHash?: string } = {}): ManagedContainer {
  const spec = containerSpecFor(t, config);
  const n = ++seq;
  const { specHash, ...rest } = over;
  return {
    id: `c${String(n).padStart(4, '0')}`,
    name: `${spec.namePrefix}-${n}`,
    image: t.image,
    labels: { ...spec.labels, ...(specHash ? { [LABEL.specHash]: specHash } : {}) },
    state: 'running',
    ip: `172.30.0.${n % 250}`,
    createdAt: 1_000_000 + n,
    ...rest,
  };
}
