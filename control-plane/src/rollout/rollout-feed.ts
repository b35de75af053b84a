// Live progress of a rollout for server-sent events: polls the append-only event table (the
// runner may even be another process) and yields new events, a progress snapshot whenever
// something happened, and an end message once the rollout is finished and fully sent.
import { sleep } from '@berth/common/wait-for';
import type { Db } from '../db/open-database.js';
import { eventsAfter, getRollout } from './rollout-store.js';
import { ACTIVE_ROLLOUT_STATES, type RolloutEvent } from './rollout-types.js';
import { rolloutTenantViews, summarizeRollout, type RolloutSummary, type RolloutTenantView } from './rollout-views.js';

export type FeedMessage =
  | { readonly type: 'step'; readonly event: RolloutEvent }
  | { readonly type: 'progress'; readonly rollout: RolloutSummary; readonly tenants: readonly RolloutTenantView[] }
  | { readonly type: 'end'; readonly rollout: RolloutSummary }
  | { readonly type: 'ping' };

const POLL_MS = 200;
const PING_EVERY_MS = 15_000;

export async function* followRollout(db: Db, rolloutId: number, afterId: number, signal: AbortSignal): AsyncGenerator<FeedMessage> {
  let last = afterId;
  let first = true;
  let lastSent = Date.now();
  while (!signal.aborted) {
    const rollout = getRollout(db, rolloutId);
    if (!rollout) return;
    const events = eventsAfter(db, rolloutId, last, 500);
    for (const event of events) yield { type: 'step', event };
    if (events.length > 0) last = events[events.length - 1]!.id;
    if (first || events.length > 0) {
      yield { type: 'progress', rollout: summarizeRollout(db, rollout), tenants: rolloutTenantViews(db, rolloutId, false) };
      lastSent = Date.now();
      first = false;
    }
    // Finished and nothing left to send: the events of the final state were read above.
    if (!ACTIVE_ROLLOUT_STATES.includes(rollout.state) && events.length < 500) {
      yield { type: 'end', rollout: summarizeRollout(db, rollout) };
      return;
    }
    if (Date.now() - lastSent >= PING_EVERY_MS) {
      yield { type: 'ping' };
      lastSent = Date.now();
    }
    try {
      await sleep(POLL_MS, signal);
    } catch {
      return;
    }
  }
}

/** One server-sent-events message. */
export function renderSse(msg: FeedMessage): string {
  switch (msg.type) {
    case 'step':
      return `id: ${msg.event.id}\nevent: step\ndata: ${JSON.stringify(msg.event)}\n\n`;
    case 'progress':
      return `event: progress\ndata: ${JSON.stringify({ rollout: msg.rollout, tenants: msg.tenants })}\n\n`;
    case 'end':
      return `event: end\ndata: ${JSON.stringify({ rollout: msg.rollout })}\n\n`;
    case 'ping':
      return ': keep-alive\n\n';
  }
}
