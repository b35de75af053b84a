// Pure mapping from berth's ContainerSpec to the Engine API's create body.
import type Docker from 'dockerode';
import type { ContainerSpec } from '../tenants/container-spec.js';

export function createOptionsFor(spec: ContainerSpec, name: string): Docker.ContainerCreateOptions {
  return {
    name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    User: spec.user,
    Labels: { ...spec.labels },
    StopTimeout: spec.stopTimeoutS,
    HostConfig: {
      NetworkMode: spec.network,
      Mounts: [{ Type: 'volume', Source: spec.volume.name, Target: spec.volume.target, ReadOnly: false }],
      ReadonlyRootfs: spec.readonlyRootfs,
      Tmpfs: { ...spec.tmpfs },
      CapDrop: [...spec.capDrop],
      SecurityOpt: [...spec.securityOpt],
      Init: spec.init,
      PidsLimit: spec.pidsLimit,
      Memory: spec.memoryBytes,
      // Equal to Memory: no swap on top of the limit.
      MemorySwap: spec.memoryBytes,
      NanoCpus: spec.nanoCpus,
      RestartPolicy: { Name: spec.restartPolicy },
      LogConfig: { Type: 'json-file', Config: { 'max-size': spec.logMaxSize, 'max-file': '2' } },
      // No published ports, no binds, no Docker socket: Traefik and the prober reach the
      // container on the tenant network.
    },
  };
}
