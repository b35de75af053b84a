// What the process says about itself to the control plane: ready (listening with migrations
// done), draining (asked to leave the route; keeps serving), stopping (SIGTERM received) and
// how many requests are in flight. One mutable object, owned by main.ts, read by the routes.
export interface LifecycleState {
  ready: boolean;
  draining: boolean;
  stopping: boolean;
  inflight: number;
}

export function createLifecycleState(): LifecycleState {
  return { ready: false, draining: false, stopping: false, inflight: 0 };
}

/** Readiness as /__heartbeat__ reports it: green only when ready, not draining, not stopping. */
export function isServing(state: LifecycleState): boolean {
  return state.ready && !state.draining && !state.stopping;
}
