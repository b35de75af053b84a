// The container a tenant should have, as plain data. containerSpecFor is pure: same tenant and
// config, same spec, same hash. The hash (a label on the container) is how the reconciler
// notices drift: a container whose berth.spec-hash differs from the desired one is replaced.
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { LABEL, type Labels } from './labels.js';
import { imageVersionOf, type Tenant } from './tenant.js';

export const APP_PORT = 8080;
export const DATA_DIR = '/data';
/** Numeric so the image needs no /etc/passwd lookup; the image's /data is owned by it. */
export const APP_USER = '10001:10001';

export type SpecConfig = Pick<
  Config,
  | 'instance'
  | 'network'
  | 'tenantMemoryMib'
  | 'tenantCpus'
  | 'tenantPids'
  | 'stopGraceS'
  | 'extraLabels'
  | 'tenantNodeOptions'
  | 'tenantDataLimitMib'
  | 'tenantUploadsInFlight'
>;

export interface ContainerSpec {
  /** Name without the per-container suffix: see newContainerName. */
  readonly namePrefix: string;
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string;
  readonly labels: Labels;
  readonly network: string;
  readonly volume: { readonly name: string; readonly target: string };
  readonly readonlyRootfs: true;
  readonly tmpfs: Readonly<Record<string, string>>;
  readonly capDrop: readonly string[];
  readonly securityOpt: readonly string[];
  readonly init: true;
  readonly pidsLimit: number;
  readonly memoryBytes: number;
  readonly nanoCpus: number;
  readonly restartPolicy: 'unless-stopped';
  readonly stopTimeoutS: number;
  /** Bounded json-file logs: 1,000 idle tenants must not fill the disk. */
  readonly logMaxSize: string;
}

export function volumeNameFor(tenant: Pick<Tenant, 'slug'>, config: Pick<Config, 'instance'>): string {
  return `berth-${config.instance}-${tenant.slug}`;
}

export function containerNamePrefixFor(tenant: Pick<Tenant, 'slug' | 'generation'>, config: Pick<Config, 'instance'>): string {
  return `berth-${config.instance}-${tenant.slug}-g${tenant.generation}`;
}

/** A name for a new container of the spec: names must be unique while two containers of a tenant overlap. */
export function newContainerName(spec: Pick<ContainerSpec, 'namePrefix'>): string {
  return `${spec.namePrefix}-${randomBytes(3).toString('hex')}`;
}

/** Labels shared by everything berth creates for a tenant (container and volume). */
export function tenantLabels(tenant: Pick<Tenant, 'id' | 'slug'>, config: Pick<Config, 'instance' | 'extraLabels'>): Record<string, string> {
  return {
    ...config.extraLabels,
    [LABEL.instance]: config.instance,
    [LABEL.tenant]: tenant.slug,
    [LABEL.tenantId]: String(tenant.id),
  };
}

// Every pass asks for the spec of every tenant (plan, status), sleepers included: building one
// (canonical JSON, SHA-256) costs ~20 µs, 0.2 s of the event loop per pass at 10,000 tenants.
// Memo by what the spec is made of (the tenant's id, slug, image and generation; the config
// object), across passes: a changed row gets a new key, so nothing stale is served.
const specs = new WeakMap<SpecConfig, Map<string, ContainerSpec>>();
/** Kept keys per config before the memo starts over (old generations' specs are never asked again). */
const SPEC_MEMO_MAX = 100_000;

export function containerSpecFor(tenant: Pick<Tenant, 'id' | 'slug' | 'image' | 'generation'>, config: SpecConfig): ContainerSpec {
  let memo = specs.get(config);
  if (!memo) specs.set(config, (memo = new Map()));
  const key = `${tenant.id}\0${tenant.slug}\0${tenant.image}\0${tenant.generation}`;
  let spec = memo.get(key);
  if (!spec) {
    if (memo.size >= SPEC_MEMO_MAX) memo.clear();
    memo.set(key, (spec = buildSpec(tenant, config)));
  }
  return spec;
}

function buildSpec(tenant: Pick<Tenant, 'id' | 'slug' | 'image' | 'generation'>, config: SpecConfig): ContainerSpec {
  const env: Record<string, string> = {
    PORT: String(APP_PORT),
    BERTH_DATA_DIR: DATA_DIR,
    BERTH_TENANT_SLUG: tenant.slug,
    BERTH_IMAGE: tenant.image,
  };
  if (config.tenantNodeOptions) env.NODE_OPTIONS = config.tenantNodeOptions;
  // Only when the operator set them: the tenant image has its own defaults, and an unchanged
  // spec hash keeps an upgrade from replacing every tenant's container.
  if (config.tenantDataLimitMib > 0) env.BERTH_MAX_DATA_MIB = String(config.tenantDataLimitMib);
  if (config.tenantUploadsInFlight > 0) env.BERTH_MAX_UPLOADS_IN_FLIGHT = String(config.tenantUploadsInFlight);
  const base = {
    namePrefix: containerNamePrefixFor(tenant, config),
    image: tenant.image,
    env,
    user: APP_USER,
    labels: {
      ...tenantLabels(tenant, config),
      [LABEL.generation]: String(tenant.generation),
      [LABEL.imageVersion]: imageVersionOf(tenant.image),
      [LABEL.role]: 'tenant',
    },
    network: config.network,
    volume: { name: volumeNameFor(tenant, config), target: DATA_DIR },
    readonlyRootfs: true as const,
    tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=8m' },
    capDrop: ['ALL'],
    securityOpt: ['no-new-privileges:true'],
    init: true as const,
    pidsLimit: config.tenantPids,
    memoryBytes: config.tenantMemoryMib * 1024 * 1024,
    nanoCpus: Math.round(config.tenantCpus * 1e9),
    restartPolicy: 'unless-stopped' as const,
    stopTimeoutS: config.stopGraceS,
    logMaxSize: '5m',
  };
  return { ...base, labels: { ...base.labels, [LABEL.specHash]: specHash(base) } };
}

/**
 * A short, stable digest of everything that defines the container except its name and the
 * hash label itself. Keys are sorted so property order never changes the hash.
 */
export function specHash(spec: Omit<ContainerSpec, 'labels'> & { labels: Labels }): string {
  const { namePrefix: _name, labels, ...rest } = spec;
  const { [LABEL.specHash]: _own, ...otherLabels } = labels;
  return createHash('sha256').update(canonicalJson({ ...rest, labels: otherLabels })).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
