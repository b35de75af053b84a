// The ordered stop path run on SIGTERM/SIGINT (ROLLOUT.md F4): turn readiness red, stop
// accepting, let in-flight requests finish (bounded by the grace), cancel running imports so
// no partial table is left, stop the SQL query process, close the database, exit 0.
import type { Logger } from '@berth/common/logger';
import type { LifecycleState } from './lifecycle-state.js';

/** What the stop path needs of the HTTP server (main.ts passes the Fastify app, which has this shape). */
export interface HttpServerHandle {
  /** Stops accepting and resolves once every in-flight request has been answered. */
  close(): Promise<unknown>;
  readonly server: { closeAllConnections(): void };
}

export interface ShutdownDeps {
  readonly app: HttpServerHandle;
  readonly state: LifecycleState;
  readonly graceMs: number;
  readonly log: Logger;
  /** Background work, stopped in order after the HTTP server has closed. */
  readonly stoppers: ReadonlyArray<{ name: string; stop: () => Promise<void> | void }>;
}

export async function shutDown(deps: ShutdownDeps, reason: string): Promise<void> {
  const { app, state, log } = deps;
  state.stopping = true;
  state.draining = true;
  log.info('shutting down', { reason, inflight: state.inflight });
  // app.close() stops accepting, closes idle keep-alive sockets (forceCloseConnections: 'idle')
  // and resolves once every in-flight request has been answered.
  const closed = app.close().then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deps.graceMs);
  });
  const finished = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  if (!finished) {
    log.warn('grace elapsed with requests in flight; closing their connections', { inflight: state.inflight });
    app.server.closeAllConnections();
    await closed;
  }
  for (const s of deps.stoppers) {
    try {
      await s.stop();
    } catch (err) {
      log.error('stopping failed', { what: s.name, err });
    }
  }
  log.info('stopped', { reason });
}
