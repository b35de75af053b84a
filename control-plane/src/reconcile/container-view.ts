// The reconciler's view of this installation's containers, kept the way Kubernetes' informers
// keep theirs: one full list, then only the containers that Docker's events or this process's
// own writes name are asked about again, by id. A full list costs dockerd ~0.07 ms of CPU per
// container (0.7 s at 10,000 registered tenants, most of them sleepers' stopped containers) and
// the control plane the parse of the answer; every Docker event and every finished step asked
// for one. Docker looks ids up in its index instead.
//
// What keeps it true: a write of this process touches its container before the write returns
// (the engine's onContainerWrite), so a lane that finished before a pass began has its effects
// in that pass's list, which is what the reconciler's finishedAt rule relies on; a change made by
// anyone else arrives as an event and nudges a pass anyway. Whatever could have been missed
// (before the event stream was subscribed, while it was broken) is covered by a full list, and
// so is anything else every resyncMs.
import type { DockerEngine } from '../docker/docker-engine.js';
import type { ManagedContainer } from '../docker/types.js';

export interface ContainerView {
  /** Every container of this installation, with every change touched before the call. */
  list(): Promise<ManagedContainer[]>;
  /** This container changed (an event, a write of this process): ask Docker again at the next list. */
  touch(id: string): void;
  /** Changes may have been missed (the event stream was down): the next list lists everything. */
  invalidate(): void;
}

export interface ContainerViewOptions {
  /** A full list at least this often, whatever was touched. */
  readonly resyncMs: number;
  readonly now?: () => number;
}

export function createContainerView(docker: Pick<DockerEngine, 'listContainers' | 'listContainersById'>, opts: ContainerViewOptions): ContainerView {
  const now = opts.now ?? Date.now;
  let known: Map<string, ManagedContainer> | null = null;
  let listedAt = 0;
  // Bumped by invalidate(): an answer to a question asked before it is not kept.
  let epoch = 0;
  let touched = new Set<string>();
  let running: Promise<ManagedContainer[]> | null = null;

  const refresh = async (): Promise<ManagedContainer[]> => {
    for (;;) {
      const began = epoch;
      // Taken now: touches that arrive while Docker answers stay for the next list.
      const pending = touched;
      touched = new Set();
      try {
        if (known === null || now() - listedAt >= opts.resyncMs) {
          const at = now();
          const all = await docker.listContainers();
          if (began !== epoch) continue;
          known = new Map(all.map((c) => [c.id, c]));
          listedAt = at;
          return all;
        }
        if (pending.size > 0) {
          const ids = [...pending];
          const fresh = new Map((await docker.listContainersById(ids)).map((c) => [c.id, c]));
          if (began !== epoch || known === null) continue;
          for (const id of ids) {
            const c = fresh.get(id);
            if (c) known.set(id, c);
            else known.delete(id);
          }
        }
        return [...known.values()];
      } catch (err) {
        for (const id of pending) touched.add(id);
        throw err;
      }
    }
  };

  return {
    // One question at a time; a second caller waits for it and then asks its own (it may have
    // been called because of a touch the first one did not include).
    async list() {
      while (running) await running.catch(() => undefined);
      running = refresh();
      try {
        return await running;
      } finally {
        running = null;
      }
    },
    touch(id) {
      touched.add(id);
    },
    invalidate() {
      epoch++;
      known = null;
    },
  };
}
