// The only module that talks to the Docker Engine (with docker-events.ts). Everything it
// lists is filtered to this installation's berth.instance label; everything it destroys is
// checked against that label first, so a bystander is never touched.
import Docker from 'dockerode';
import { BerthError } from '../errors.js';
import type { ContainerSpec } from '../tenants/container-spec.js';
import { LABEL, type Labels } from '../tenants/labels.js';
import { createOptionsFor } from './container-options.js';
import { streamContainerEvents } from './docker-events.js';
import { bridgeInterface } from './egress-rules.js';
import type { ContainerEvent, ContainerState, ManagedContainer, ManagedNetwork, ManagedVolume, MemoryStats } from './types.js';

export interface DockerEngine {
  /** Fails after timeoutMs: a health check must not hang with a stuck engine. */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * Every container of this installation, or only one tenant's, or only the running ones
   * (Docker filters before it builds each answer: a short list costs it little at any size).
   */
  listContainers(tenantId?: number, opts?: { readonly running?: boolean }): Promise<ManagedContainer[]>;
  /**
   * The containers of this installation among these ids (gone ones are left out). Docker looks
   * ids up in its index; a label filter walks every container it has (~0.07 ms each: 150 ms
   * at 2,000 registered tenants, most of a wake's time before its start call).
   */
  listContainersById(ids: readonly string[]): Promise<ManagedContainer[]>;
  /**
   * Called after each write this engine makes to a container (create, start, stop, remove),
   * before the write returns, also when it failed part-way: whoever learns that a write finished
   * can already know which container it changed. A create also gives the container's labels.
   */
  onContainerWrite(listener: (w: ContainerWrite) => void): () => void;
  listVolumes(): Promise<ManagedVolume[]>;
  /** The volume of this installation with that name, or null. */
  findVolume(name: string): Promise<ManagedVolume | null>;
  /**
   * A user-defined bridge with inter-container traffic disabled, labelled as ours. One bridge
   * holds at most ~1,023 containers (one Linux bridge's port limit); past that, tenants need
   * a second network.
   */
  ensureNetwork(name: string, labels: Labels): Promise<ManagedNetwork>;
  ensureVolume(name: string, labels: Labels): Promise<ManagedVolume>;
  removeVolume(name: string): Promise<void>;
  /** Creates and starts; returns the id and the address on the spec's network. */
  runContainer(spec: ContainerSpec, name: string): Promise<{ id: string; ip: string | null }>;
  /** Creates without starting (a sleeper's container, so that its wake is only a start); returns the id. */
  createContainer(spec: ContainerSpec, name: string): Promise<string>;
  startContainer(id: string): Promise<void>;
  containerIp(id: string, network: string): Promise<string | null>;
  /** Stops with the grace (SIGTERM, then SIGKILL after graceS), then removes. Never the volume. */
  stopAndRemove(id: string, graceS: number): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace; the container stays (hibernation starts it again). */
  stopContainer(id: string, graceS: number): Promise<void>;
  memoryStats(id: string): Promise<MemoryStats | null>;
  /**
   * Container create/start/die/destroy of this installation, until the signal aborts.
   * onSubscribed runs once Docker has subscribed the stream: every change after it is reported.
   */
  events(signal: AbortSignal, onSubscribed?: () => void): AsyncIterable<ContainerEvent>;
}

export interface ContainerWrite {
  readonly kind: 'create' | 'start' | 'stop' | 'remove';
  readonly id: string;
  /** The created container's labels (a create only). */
  readonly labels?: Labels;
}

export function createDockerEngine(socketPath: string, instance: string): DockerEngine {
  const docker = new Docker({ socketPath });
  const ours = `${LABEL.instance}=${instance}`;
  const isOurs = (labels: Labels | undefined | null) => labels?.[LABEL.instance] === instance;

  const assertOwnedContainer = async (id: string): Promise<boolean> => {
    const info = await call(`inspect container ${id}`, () => docker.getContainer(id).inspect(), [404]);
    if (!info) return false;
    if (!isOurs(info.Config.Labels)) throw new BerthError('NOT_OWNED', `container ${id} is not managed by berth instance ${instance}`);
    return true;
  };

  const writers = new Set<(w: ContainerWrite) => void>();
  const wrote = (w: ContainerWrite) => {
    for (const listener of writers) listener(w);
  };
  /** Runs a write to one container and reports it, whether it succeeded or not. */
  const writing = async <T>(kind: ContainerWrite['kind'], id: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } finally {
      wrote({ kind, id });
    }
  };
  /**
   * Creates a container of the spec from the ID its image reference names now
   * (container-options.ts says why); with no such image the create itself says so.
   */
  const createFromSpec = async (spec: ContainerSpec, name: string): Promise<Docker.Container> => {
    if (!isOurs(spec.labels)) throw new BerthError('NOT_OWNED', `spec for ${name} lacks this installation's labels`);
    const image = await call(`inspect image ${spec.image}`, () => docker.getImage(spec.image).inspect(), [404]);
    const container = (await call(`create container ${name}`, () => docker.createContainer(createOptionsFor(spec, name, image?.Id))))!;
    wrote({ kind: 'create', id: container.id, labels: spec.labels });
    return container;
  };

  const list = async (filters: Record<string, string[]>): Promise<ManagedContainer[]> => {
    const answer = (await call('list containers', () => docker.listContainers({ all: true, filters })))!;
    return answer.map((c) => {
      const state = c.State as ContainerState;
      const nets = Object.values(c.NetworkSettings?.Networks ?? {});
      const ip = state === 'running' ? nets.map((n) => n.IPAddress).find(Boolean) ?? null : null;
      // Made from an image ID (container-options.ts): the reference is in the label.
      return { id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), image: c.Labels?.[LABEL.image] ?? c.Image, labels: c.Labels, state, ip, createdAt: c.Created * 1000 };
    });
  };

  return {
    async ping(timeoutMs = 2000) {
      // The typings omit ping's options; the library passes abortSignal through to the request.
      const ping = docker.ping as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
      await call('ping', () => ping.call(docker, { abortSignal: AbortSignal.timeout(timeoutMs) }));
    },
    async listContainers(tenantId, opts) {
      const label = tenantId === undefined ? [ours] : [ours, `${LABEL.tenantId}=${tenantId}`];
      return list(opts?.running ? { label, status: ['running'] } : { label });
    },
    // With no ids Docker would list everything: nothing asked, nothing answered.
    listContainersById: async (ids) => (ids.length === 0 ? [] : list({ label: [ours], id: [...ids] })),
    onContainerWrite(listener) {
      writers.add(listener);
      return () => writers.delete(listener);
    },
    async listVolumes() {
      const res = (await call('list volumes', () => docker.listVolumes({ filters: { label: [ours] } })))!;
      return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {}, mountpoint: v.Mountpoint }));
    },
    async findVolume(name) {
      const info = await call(`inspect volume ${name}`, () => docker.getVolume(name).inspect(), [404]);
      return info && isOurs(info.Labels) ? { name: info.Name, labels: info.Labels ?? {}, mountpoint: info.Mountpoint } : null;
    },
    async ensureNetwork(name, labels) {
      const existing = await call(`inspect network ${name}`, () => docker.getNetwork(name).inspect(), [404]);
      if (existing) {
        if (existing.Options?.['com.docker.network.bridge.enable_icc'] !== 'false') {
          throw new BerthError('NOT_OWNED', `network ${name} exists but allows inter-container traffic; refusing to put tenants on it`);
        }
        return { id: existing.Id, name, labels: existing.Labels ?? {}, bridge: bridgeInterface(existing.Id, existing.Options) };
      }
      const created = await call(`create network ${name}`, () =>
        docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: { ...labels, [LABEL.role]: 'network' },
          Options: { 'com.docker.network.bridge.enable_icc': 'false' },
        }),
        [409],
      );
      // 409: another starter created it between our inspect and create.
      const info = await call(`inspect network ${name}`, () => docker.getNetwork(created?.id ?? name).inspect());
      return { id: info!.Id, name, labels: info!.Labels ?? {}, bridge: bridgeInterface(info!.Id, info!.Options) };
    },
    async ensureVolume(name, labels) {
      const existing = await call(`inspect volume ${name}`, () => docker.getVolume(name).inspect(), [404]);
      if (existing) return { name, labels: existing.Labels ?? {} };
      await call(`create volume ${name}`, () => docker.createVolume({ Name: name, Labels: { ...labels } }));
      return { name, labels };
    },
    async removeVolume(name) {
      const info = await call(`inspect volume ${name}`, () => docker.getVolume(name).inspect(), [404]);
      if (!info) return;
      if (!isOurs(info.Labels)) throw new BerthError('NOT_OWNED', `volume ${name} is not managed by berth instance ${instance}`);
      await call(`remove volume ${name}`, () => docker.getVolume(name).remove(), [404]);
    },
    async createContainer(spec, name) {
      return (await createFromSpec(spec, name)).id;
    },
    async runContainer(spec, name) {
      const container = await createFromSpec(spec, name);
      await writing('start', container.id, () => call(`start container ${name}`, () => container.start()));
      const info = await call(`inspect container ${name}`, () => container.inspect());
      return { id: container.id, ip: info!.NetworkSettings.Networks[spec.network]?.IPAddress || null };
    },
    async startContainer(id) {
      await assertOwnedContainer(id);
      await writing('start', id, () => call(`start container ${id}`, () => docker.getContainer(id).start(), [304]));
    },
    async containerIp(id, network) {
      const info = await call(`inspect container ${id}`, () => docker.getContainer(id).inspect(), [404]);
      if (!info || !info.State.Running) return null;
      return info.NetworkSettings.Networks[network]?.IPAddress || null;
    },
    async stopAndRemove(id, graceS) {
      if (!(await assertOwnedContainer(id))) return;
      const c = docker.getContainer(id);
      await writing('remove', id, async () => {
        await call(`stop container ${id}`, () => c.stop({ t: graceS }), [304, 404]);
        await call(`remove container ${id}`, () => c.remove({ force: true }), [404]);
      });
    },
    async stopContainer(id, graceS) {
      if (!(await assertOwnedContainer(id))) return;
      await writing('stop', id, () => call(`stop container ${id}`, () => docker.getContainer(id).stop({ t: graceS }), [304, 404]));
    },
    async memoryStats(id) {
      const s = await call(`stats ${id}`, () => docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false }), [404, 409]);
      const answer = s as { memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> }; cpu_stats?: { cpu_usage?: { total_usage?: number } } } | null;
      const m = answer?.memory_stats;
      if (!m || m.usage === undefined) return null;
      const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0;
      const cpuUsageNs = answer?.cpu_stats?.cpu_usage?.total_usage ?? null;
      return { usageBytes: m.usage, workingSetBytes: Math.max(0, m.usage - inactive), limitBytes: m.limit ?? 0, cpuUsageNs };
    },
    events: (signal, onSubscribed) => streamContainerEvents(docker, ours, signal, onSubscribed),
  };
}

/**
 * Runs one Engine API call, turning failures into berth errors. Statuses listed in `absent`
 * (404, 304, ...) are answers, not failures: they resolve to null.
 */
async function call<T>(what: string, fn: () => Promise<T>, absent: number[] = []): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && absent.includes(status)) return null;
    if (status === undefined) {
      throw new BerthError('DOCKER_UNAVAILABLE', `Docker engine: ${what}: ${(err as Error).message}`, undefined, { cause: err });
    }
    const reason = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message;
    throw new BerthError('DOCKER_REFUSED', `Docker engine: ${what}: ${reason}`, { status }, { cause: err });
  }
}
