// What a reconcile pass sees of Docker, at a cost that follows active instances rather than
// registered ones. A full listing (every container and volume of the installation) runs once
// per resync period; in between, a pass lists only containers that are not exited — hibernated
// instances' stopped containers are most of a large installation, and a sleeper's plan needs
// none of them — and looks up by label the few tenants whose stopped containers matter now:
// awake ones with nothing running (just woken, new, crashed: their stopped container must be
// started, never duplicated) and ones deleted lately. Volumes are created and purged only by
// the reconciler, so between full listings it keeps the last list plus what it did since.
import type { DockerEngine } from '../docker/docker-engine.js';
import type { ManagedContainer, ManagedVolume } from '../docker/types.js';
import { LABEL, type Labels } from '../tenants/labels.js';
import type { Tenant } from '../tenants/tenant.js';

/** Past this many per-tenant lookups (a burst of sign-ups), one full listing is cheaper. */
const MAX_LOOKUPS = 16;

export interface DockerView {
  readonly containers: readonly ManagedContainer[];
  readonly volumes: readonly ManagedVolume[];
  readonly full: boolean;
}

export interface DockerObserver {
  observe(tenants: readonly Tenant[], now: number): Promise<DockerView>;
  volumeEnsured(name: string, labels: Labels): void;
  volumeRemoved(name: string): void;
}

export function createDockerObserver(docker: Pick<DockerEngine, 'listContainers' | 'listVolumes'>, fullEveryMs: number): DockerObserver {
  const volumes = new Map<string, ManagedVolume>();
  let lastFull = Number.NEGATIVE_INFINITY;

  const fullListing = async (now: number): Promise<DockerView> => {
    lastFull = now;
    const [containers, listed] = await Promise.all([docker.listContainers(), docker.listVolumes()]);
    volumes.clear();
    for (const v of listed) volumes.set(v.name, v);
    return { containers, volumes: [...volumes.values()], full: true };
  };

  return {
    async observe(tenants, now) {
      if (now - lastFull >= fullEveryMs) return fullListing(now);
      const active = await docker.listContainers({ notExited: true });
      const withContainer = new Set(active.map((c) => c.labels[LABEL.tenantId]));
      const recently = now - 2 * fullEveryMs;
      const lookups = tenants.filter((t) => !withContainer.has(String(t.id)) && (
        (t.desiredState === 'running' && !t.asleep) || (t.desiredState === 'deleted' && (t.deletedAt ?? 0) >= recently)
      ));
      if (lookups.length > MAX_LOOKUPS) return fullListing(now);
      const seen = new Set(active.map((c) => c.id));
      const stopped = (await Promise.all(lookups.map((t) => docker.listContainers({ tenantId: t.id })))).flat().filter((c) => !seen.has(c.id));
      return { containers: [...active, ...stopped], volumes: [...volumes.values()], full: false };
    },
    volumeEnsured(name, labels) {
      volumes.set(name, { name, labels });
    },
    volumeRemoved(name) {
      volumes.delete(name);
    },
  };
}
