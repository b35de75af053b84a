// The rollout API (admins and the local operator only). Handlers write desired state — a
// rollout row — and wake the runner; they never call Docker or Traefik.
import type { FastifyInstance } from 'fastify';
import { BerthError } from '../errors.js';
import { followRollout, renderSse } from '../rollout/rollout-feed.js';
import { createRollout, eventsAfter, getRollout, listRollouts, requestCancel } from '../rollout/rollout-store.js';
import type { UnsafeMode } from '../rollout/rollout-types.js';
import { rolloutTenantViews, summarizeRollout } from '../rollout/rollout-views.js';
import { errorResponses } from './api-schemas.js';
import type { AppDeps } from './app-deps.js';
import { operatorName, operatorOf, requireAdmin } from './operator-auth.js';
import {
  adminSecurity, createRolloutBody, rolloutDetailSchema, rolloutEventSchema, rolloutIdParams, rolloutSchema,
} from './rollout-schemas.js';

const tags = ['rollouts'];
const IMAGE_REF = new RegExp(createRolloutBody.properties.image.pattern);

export interface CreateRolloutRequest {
  image: string;
  tenants?: string[];
  canary?: number;
  parallel?: number;
  unsafe?: UnsafeMode;
}

export function registerRolloutRoutes(app: FastifyInstance, deps: AppDeps): void {
  const preHandler = requireAdmin(deps);
  // Open event streams end when the server closes, instead of holding its shutdown.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());

  app.post<{ Body: CreateRolloutRequest }>('/api/v1/rollouts', {
    preHandler,
    schema: {
      summary: 'Start a rollout of an image to every running tenant or a list, canary first, with bounded parallelism',
      tags, security: adminSecurity, body: createRolloutBody,
      response: { 201: rolloutSchema, ...errorResponses(400, 401, 403, 409, 422) },
    },
  }, async (req, reply) => {
    const rollout = startRollout(deps, req.body, operatorName(operatorOf(req)));
    return reply.status(201).send(summarizeRollout(deps.db, rollout));
  });

  app.get('/api/v1/rollouts', {
    preHandler,
    schema: {
      summary: 'Recent rollouts, newest first',
      tags, security: adminSecurity,
      response: { 200: { type: 'object', required: ['rollouts'], properties: { rollouts: { type: 'array', items: rolloutSchema } } }, ...errorResponses(401, 403) },
    },
  }, async () => ({ rollouts: listRollouts(deps.db).map((r) => summarizeRollout(deps.db, r)) }));

  app.get<{ Params: { id: number } }>('/api/v1/rollouts/:id', {
    preHandler,
    schema: {
      summary: 'One rollout with every tenant\'s state, reason and step timings',
      tags, security: adminSecurity, params: rolloutIdParams,
      response: { 200: rolloutDetailSchema, ...errorResponses(401, 403, 404) },
    },
  }, async (req) => {
    const rollout = requireRollout(deps, req.params.id);
    return { ...summarizeRollout(deps.db, rollout), tenants: rolloutTenantViews(deps.db, rollout.id) };
  });

  app.get<{ Params: { id: number }; Querystring: { after?: number } }>('/api/v1/rollouts/:id/events', {
    preHandler,
    schema: {
      summary: 'The rollout\'s event log: server-sent events (live until it ends) with Accept: text/event-stream, else JSON',
      description: 'SSE messages: "step" (one stored event, with its id), "progress" (rollout and tenant states), "end". Resume with Last-Event-ID or ?after=.',
      tags, security: adminSecurity, params: rolloutIdParams,
      querystring: { type: 'object', properties: { after: { type: 'integer', minimum: 0, description: 'Only events with a greater id' } } },
      response: {
        200: { type: 'object', required: ['events'], properties: { state: { type: 'string' }, events: { type: 'array', items: rolloutEventSchema } } },
        ...errorResponses(401, 403, 404),
      },
    },
  }, async (req, reply) => {
    const rollout = requireRollout(deps, req.params.id);
    const lastEventId = Number(req.headers['last-event-id']);
    const after = Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : req.query.after ?? 0;
    if (!(req.headers.accept ?? '').includes('text/event-stream')) {
      return { state: rollout.state, events: eventsAfter(deps.db, rollout.id, after, 100_000) };
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const gone = new AbortController();
    req.raw.once('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, closing.signal]);
    try {
      for await (const msg of followRollout(deps.db, rollout.id, after, signal)) {
        if (signal.aborted) break;
        res.write(renderSse(msg));
      }
    } catch (err) {
      deps.log.warn('rollout event stream failed', { rollout: rollout.id, err: err as Error });
    } finally {
      res.end();
    }
  });

  app.post<{ Params: { id: number } }>('/api/v1/rollouts/:id/cancel', {
    preHandler,
    schema: {
      summary: 'Cancel a rollout: tenants in flight are rolled back (unless their old container is already stopped), no new tenant starts',
      tags, security: adminSecurity, params: rolloutIdParams,
      response: { 200: rolloutSchema, ...errorResponses(401, 403, 404, 409) },
    },
  }, async (req) => {
    const rollout = requestCancel(deps.db, req.params.id);
    deps.log.info('rollout cancel requested', { rollout: rollout.id, by: operatorName(operatorOf(req)) });
    deps.wakeRollouts?.();
    return summarizeRollout(deps.db, rollout);
  });
}

/** Validates and records a rollout, then wakes the runner. Shared by the API and the admin page's form. */
export function startRollout(deps: AppDeps, body: CreateRolloutRequest, createdBy: string) {
  if (body.unsafe && !deps.config.allowUnsafeRollouts) {
    throw new BerthError('UNSAFE_ROLLOUT_REFUSED', `unsafe: "${body.unsafe}" is a negative control for the proof harness; it needs BERTH_ALLOW_UNSAFE_ROLLOUTS=true`, { field: 'unsafe' });
  }
  // The form posts arrive without the JSON schema's checks: repeat the ones that matter.
  if (!IMAGE_REF.test(body.image)) throw new BerthError('VALIDATION_FAILED', 'the image must be a reference such as berth/tenant:v2', { field: 'image' });
  if (body.parallel !== undefined && (body.parallel < 1 || body.parallel > 64)) {
    throw new BerthError('VALIDATION_FAILED', 'parallelism must be between 1 and 64', { field: 'parallel' });
  }
  const rollout = createRollout(deps.db, {
    image: body.image,
    tenants: body.tenants ?? null,
    canary: body.canary ?? 0,
    parallel: body.parallel ?? deps.config.rolloutParallel,
    unsafe: body.unsafe ?? null,
    createdBy,
  }, Date.now());
  deps.log.info('rollout created', { rollout: rollout.id, image: rollout.image, by: createdBy, unsafe: rollout.unsafe });
  deps.wakeRollouts?.();
  return rollout;
}

function requireRollout(deps: AppDeps, id: number) {
  const rollout = getRollout(deps.db, id);
  if (!rollout) throw new BerthError('NOT_FOUND', `no rollout ${id}`);
  return rollout;
}
