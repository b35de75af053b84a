// The control plane's rollout API as the operator's CLI uses it: the bearer token the control
// plane writes to <state>/operator.token at each start (read at each call, so a restart of the
// control plane is survived), on its loopback address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '../stack.js';
import { waitFor } from '@berth/common/wait-for';

export type UnsafeMode = 'stop-before-unroute' | 'no-drain';

export interface RolloutRequest {
  readonly image: string;
  readonly tenants?: readonly string[];
  readonly canary?: number;
  readonly parallel?: number;
  readonly unsafe?: UnsafeMode;
}

export interface RolloutTenantView {
  readonly slug: string;
  readonly state: string;
  readonly step: string | null;
  readonly reason: string | null;
  readonly oldContainer?: string | null;
  readonly newContainer?: string | null;
  readonly startedAt?: number | null;
  readonly finishedAt?: number | null;
}

export interface RolloutView {
  readonly id: number;
  readonly image: string;
  readonly state: 'pending' | 'canary' | 'running' | 'failed' | 'done' | 'cancelled';
  readonly unsafe: UnsafeMode | null;
  readonly startedAt?: number | null;
  readonly finishedAt?: number | null;
  readonly error?: string | null;
  readonly tenants?: RolloutTenantView[];
}

export interface RolloutEvent {
  readonly id: number;
  readonly slug: string | null;
  readonly at: number;
  readonly step: string;
  readonly phase: 'start' | 'end' | 'fail' | 'milestone' | 'state';
  readonly detail: string | null;
}

const FINISHED = ['failed', 'done', 'cancelled'];

/** The operator token's header (the control plane writes the token at each start, so it is read at each call). */
export function operatorHeaders(stack: Stack): Record<string, string> {
  const token = readFileSync(join(stack.dir, 'state', 'operator.token'), 'utf8').trim();
  return { authorization: `Bearer ${token}` };
}

async function api<T>(stack: Stack, path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const res = await fetch(`${stack.cpUrl}${path}`, {
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers: { ...operatorHeaders(stack), ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export function startRollout(stack: Stack, req: RolloutRequest): Promise<RolloutView> {
  return api<RolloutView>(stack, '/api/v1/rollouts', { json: req });
}

export function getRollout(stack: Stack, id: number): Promise<RolloutView> {
  return api<RolloutView>(stack, `/api/v1/rollouts/${id}`);
}

export async function rolloutEvents(stack: Stack, id: number): Promise<RolloutEvent[]> {
  return (await api<{ events: RolloutEvent[] }>(stack, `/api/v1/rollouts/${id}/events`)).events;
}

/** Polls until the rollout has finished (done, failed or cancelled) and returns it with its tenants. */
export function waitForRollout(stack: Stack, id: number, timeoutMs = 300_000): Promise<RolloutView> {
  return waitFor(async () => {
    const r = await getRollout(stack, id);
    return FINISHED.includes(r.state) ? r : undefined;
  }, { timeoutMs, intervalMs: 100, what: `rollout ${id} to finish` });
}

/** Starts a rollout and waits for it; the window is the client's own clock around both. */
export async function rollOut(stack: Stack, req: RolloutRequest, timeoutMs?: number): Promise<{ rollout: RolloutView; events: RolloutEvent[]; from: number; to: number }> {
  const from = Date.now();
  const started = await startRollout(stack, req);
  const rollout = await waitForRollout(stack, started.id, timeoutMs);
  const to = Date.now();
  return { rollout, events: await rolloutEvents(stack, started.id), from, to };
}
