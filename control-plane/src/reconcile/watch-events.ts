// Turns Docker's event stream into reconcile passes. Each event names the container the
// reconciler's view asks Docker about again; a container that died loses its readiness at once
// (its restarted process must pass the probe again before it is routed). When the stream breaks
// (engine restart), reconnect and resync: events missed meanwhile are gone, so once the stream
// is subscribed again the view lists every container, and a full pass recovers from the rest.
import type { DockerEngine } from '../docker/docker-engine.js';
import type { Logger } from '@berth/common/logger';
import type { Prober } from '../probe/prober.js';
import type { Reconciler } from './reconciler.js';
import { dockerEventLagSeconds, dockerEventsLastLagSeconds } from '../metrics/registry.js';
import { backoffMs } from '../wait/backoff.js';
import { createWaker } from '../wait/waker.js';

export async function watchDockerEvents(docker: DockerEngine, prober: Prober, reconciler: Pick<Reconciler, 'nudge' | 'containerChanged' | 'containersMissed'>, log: Logger, signal: AbortSignal): Promise<void> {
  const pause = createWaker();
  const nudge = () => reconciler.nudge();
  for (let failures = 0; !signal.aborted; ) {
    try {
      for await (const e of docker.events(signal, () => reconciler.containersMissed())) {
        failures = 0;
        const lag = Math.max(0, Date.now() - e.at) / 1000;
        dockerEventLagSeconds.observe(lag);
        dockerEventsLastLagSeconds.set(lag);
        if (e.action === 'die') prober.invalidate(e.id);
        reconciler.containerChanged(e.id);
        nudge();
      }
    } catch (err) {
      failures++;
      log.warn('docker event stream broke; reconnecting', { attempts: failures, err: err as Error });
    }
    if (signal.aborted) return;
    // Nothing reports changes until the stream is back: the next pass lists everything, and so
    // does the first one after the stream is subscribed again (what changed in between).
    reconciler.containersMissed();
    await pause.wait(backoffMs(Math.max(1, failures)), signal);
    nudge();
  }
}
