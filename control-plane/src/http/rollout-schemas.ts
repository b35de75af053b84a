// JSON schemas of the rollout and admin API: they validate requests, shape responses (Fastify
// drops properties a response schema does not list) and feed /openapi.json.
import { UNSAFE_MODES } from '../rollout/rollout-types.js';

const ms = { type: 'number', description: 'unix milliseconds' } as const;
const nullableMs = { type: ['number', 'null'], description: 'unix milliseconds' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;

export const rolloutIdParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export const createRolloutBody = {
  type: 'object',
  required: ['image'],
  additionalProperties: false,
  properties: {
    image: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._/:@-]*$', description: 'Image reference, e.g. berth/tenant:v2' },
    tenants: { type: 'array', items: slug, maxItems: 5000, description: 'Slugs to roll; every running tenant when absent' },
    canary: { type: 'integer', minimum: 0, maximum: 1000, description: 'Roll this many tenants first; stop everything if one fails' },
    parallel: { type: 'integer', minimum: 1, maximum: 64, description: 'Tenants rolled at once (default BERTH_ROLLOUT_PARALLEL)' },
    unsafe: { type: 'string', enum: [...UNSAFE_MODES], description: 'Negative control for the proof harness; needs BERTH_ALLOW_UNSAFE_ROLLOUTS=true' },
  },
} as const;

const counts = {
  type: 'object',
  required: ['total', 'pending', 'rolling', 'done', 'rolledBack', 'failed', 'skipped'],
  properties: Object.fromEntries(['total', 'pending', 'rolling', 'done', 'rolledBack', 'failed', 'skipped'].map((k) => [k, { type: 'integer' }])),
} as const;

export const rolloutSchema = {
  type: 'object',
  required: ['id', 'image', 'state', 'canary', 'parallel', 'unsafe', 'selection', 'cancelRequested', 'createdBy', 'createdAt', 'counts'],
  properties: {
    id: { type: 'integer' },
    image: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'canary', 'running', 'failed', 'done', 'cancelled'] },
    canary: { type: 'integer' },
    parallel: { type: 'integer' },
    unsafe: { type: ['string', 'null'] },
    selection: { type: ['array', 'null'], items: { type: 'string' } },
    cancelRequested: { type: 'boolean' },
    createdBy: { type: 'string' },
    createdAt: ms,
    startedAt: nullableMs,
    finishedAt: nullableMs,
    error: nullableString,
    counts,
  },
} as const;

const stepSchema = {
  type: 'object',
  required: ['step', 'startedAt', 'endedAt', 'outcome'],
  properties: { step: { type: 'string' }, startedAt: ms, endedAt: nullableMs, outcome: { type: 'string', enum: ['running', 'ok', 'failed'] }, detail: nullableString },
} as const;

export const rolloutTenantSchema = {
  type: 'object',
  required: ['slug', 'canary', 'state', 'step', 'reason', 'steps'],
  properties: {
    slug: { type: 'string' },
    canary: { type: 'boolean' },
    state: { type: 'string', enum: ['pending', 'rolling', 'rolling-back', 'done', 'rolled-back', 'failed', 'skipped'] },
    step: nullableString,
    reason: nullableString,
    fromImage: nullableString,
    fromGeneration: nullableInt,
    toGeneration: nullableInt,
    oldContainer: nullableString,
    newContainer: nullableString,
    startedAt: nullableMs,
    finishedAt: nullableMs,
    steps: { type: 'array', items: stepSchema },
  },
} as const;

export const rolloutDetailSchema = {
  ...rolloutSchema,
  required: [...rolloutSchema.required, 'tenants'],
  properties: { ...rolloutSchema.properties, tenants: { type: 'array', items: rolloutTenantSchema } },
} as const;

export const rolloutEventSchema = {
  type: 'object',
  required: ['id', 'slug', 'at', 'step', 'phase', 'detail'],
  properties: {
    id: { type: 'integer' },
    slug: nullableString,
    at: { type: 'number', description: 'unix milliseconds with sub-millisecond precision' },
    step: { type: 'string', description: 'a step name, a milestone (old-unrouted, old-stop-called, old-removed), "tenant", "resume" or "rollout"' },
    phase: { type: 'string', enum: ['start', 'end', 'fail', 'milestone', 'state'] },
    detail: nullableString,
  },
} as const;

export const adminTenantSchema = {
  type: 'object',
  required: ['slug', 'owner', 'image', 'imageVersion', 'state', 'health', 'memoryBytes'],
  properties: {
    slug: { type: 'string' },
    owner: { type: 'string' },
    image: { type: 'string' },
    imageVersion: { type: 'string' },
    runningImage: nullableString,
    generation: { type: 'integer' },
    desiredState: { type: 'string' },
    state: { type: 'string' },
    health: { type: 'string', enum: ['healthy', 'unhealthy', 'unknown'] },
    detail: nullableString,
    memoryBytes: nullableInt,
    readyAt: nullableMs,
    rollout: nullableInt,
    pinnedAwake: { type: 'boolean' },
  },
} as const;

/** Operators authenticate with an admin session + CSRF header, or with the operator bearer token. */
export const adminSecurity = [{ session: [], csrf: [] }, { operatorToken: [] }];
