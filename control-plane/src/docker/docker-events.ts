// Docker's event stream for this installation's containers, as an async iterable that ends
// when the signal aborts. A broken stream (engine restart) ends the iteration with an error;
// the caller decides to reconnect and resync, because events missed meanwhile are lost.
import type Docker from 'dockerode';
import type { ContainerEvent, ContainerEventAction } from './types.js';

// The lifecycle changes that alter what the reconciler sees of a container: created, started,
// died, gone (kill and stop add nothing a die does not say).
const ACTIONS: readonly ContainerEventAction[] = ['create', 'start', 'die', 'destroy'];

export async function* streamContainerEvents(docker: Docker, labelFilter: string, signal: AbortSignal, onSubscribed?: () => void): AsyncGenerator<ContainerEvent> {
  const stream = (await docker.getEvents({
    filters: { type: ['container'], label: [labelFilter], event: [...ACTIONS] },
    abortSignal: signal,
  } as Docker.GetEventsOptions)) as NodeJS.ReadableStream & { destroy(): void };
  // dockerd subscribes before it answers with the stream's headers, which is when this resolves.
  onSubscribed?.();
  const onAbort = () => stream.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  let buffered = '';
  try {
    for await (const chunk of stream) {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const e = JSON.parse(line) as { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number };
        // Actions such as "exec_start: ..." carry a suffix; only the plain lifecycle ones matter.
        const action = (e.Action ?? '').split(':')[0] as ContainerEventAction;
        if (!ACTIONS.includes(action) || !e.Actor?.ID) continue;
        yield { action, id: e.Actor.ID, labels: e.Actor.Attributes ?? {}, at: Math.round((e.timeNano ?? Date.now() * 1e6) / 1e6) };
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    stream.destroy();
  }
}
