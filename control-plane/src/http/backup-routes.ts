// Backups for the operator of the host (operator token only, like ./berth admin): each
// tenant's replication, and the whole-database restore (./berth restore).
import type { FastifyInstance } from 'fastify';
import { BerthError } from '../errors.js';
import { purgeBackups } from '../backup/backup-purge.js';
import { createOwnerBackups } from '../backup/owner-backups.js';
import type { RestoreRequest } from '../backup/restore.js';
import { createDockerEngine } from '../docker/docker-engine.js';
import { errorResponses } from './api-schemas.js';
import type { AppDeps } from './app-deps.js';
import { requireOperatorToken } from './operator-auth.js';
import { registerOwnerBackupRoutes } from './owner-backup-routes.js';
import { purgeSchema } from './owner-backup-schemas.js';

const tags = ['backup'];
const security = [{ operatorToken: [] }];

const restoreBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    at: { type: 'string', maxLength: 64, description: 'Moment to restore (ISO 8601); omitted: the latest replicated moment' },
    undo: { type: 'boolean', description: 'Put back the database the last restore replaced' },
    adopt: { type: 'boolean', description: 'Start a new backup history from the current database (its volume was replaced on purpose)' },
  },
} as const;

const restoreResult = {
  type: 'object',
  required: ['slug', 'mode', 'fromLineage', 'newLineage', 'kept', 'downtimeMs', 'totalMs'],
  properties: {
    slug: { type: 'string' }, mode: { type: 'string' },
    fromLineage: { type: ['integer', 'null'] }, newLineage: { type: 'integer' },
    kept: { type: ['string', 'null'] }, downtimeMs: { type: 'integer' }, totalMs: { type: 'integer' },
  },
} as const;

const statusSchema = {
  type: 'object',
  required: ['ok', 'worstLagMs', 'detail', 'tenants'],
  properties: {
    ok: { type: 'boolean' }, worstLagMs: { type: 'integer' }, detail: { type: 'string' },
    tenants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['slug', 'lineageId', 'lastReplicatedAt', 'lagMs', 'problem', 'parked'],
        properties: {
          slug: { type: 'string' }, lineageId: { type: ['integer', 'null'] }, lastReplicatedAt: { type: ['integer', 'null'] },
          lagMs: { type: 'integer' }, problem: { type: ['string', 'null'] },
          // Asleep, closed in Litestream after a final sync: the replica is complete.
          parked: { type: 'boolean' },
        },
      },
    },
  },
} as const;

export function registerBackupRoutes(app: FastifyInstance, deps: AppDeps): void {
  const preHandler = requireOperatorToken(deps);
  const restores = deps.restores;
  const backupStatus = deps.backupStatus;
  // The owner's side reads the replicas on this host and calls the tenant app: any web process can.
  const ownerBackups = createOwnerBackups({ config: deps.config, db: deps.db, docker: createDockerEngine(deps.config.dockerSocket, deps.config.instance), log: deps.log });
  registerOwnerBackupRoutes(app, deps, ownerBackups, restores);

  app.post<{ Body: { olderThanHours?: number } }>('/api/v1/backups/purge', {
    preHandler,
    schema: {
      summary: 'Remove the backups no restore can use any more: lineages ended longer ago than the retention window (or olderThanHours); each recorded in the audit log (operator token only)',
      tags, security,
      body: { type: 'object', additionalProperties: false, properties: { olderThanHours: { type: 'integer', minimum: 1 } } },
      response: { 200: purgeSchema, ...errorResponses(401, 409, 422) },
    },
  }, async (req) => purgeBackups(deps, req.body?.olderThanHours ?? null, 'operator (CLI)'));

  if (!restores || !backupStatus) return;

  app.get('/api/v1/backups', {
    preHandler,
    schema: { summary: "Each tenant's replication: last replicated moment and lag (operator token only)", tags, security, response: { 200: statusSchema, ...errorResponses(401) } },
  }, async () => backupStatus());

  app.post<{ Params: { slug: string }; Body: { at?: string; undo?: boolean; adopt?: boolean } }>('/api/v1/tenants/:slug/restore', {
    preHandler,
    schema: {
      summary: "Restore a tenant's whole database (latest, a moment, or undo the last restore); answers once it serves again (operator token only)",
      tags, security,
      params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 63 } } },
      body: restoreBody,
      response: { 200: restoreResult, ...errorResponses(400, 401, 404, 409, 500) },
    },
  }, async (req) => restores.restore(req.params.slug, restoreRequestOf(req.body ?? {}), 'operator (CLI)'));
}

function restoreRequestOf(body: { at?: string; undo?: boolean; adopt?: boolean }): RestoreRequest {
  const given = [body.at !== undefined, body.undo === true, body.adopt === true].filter(Boolean).length;
  if (given > 1) throw new BerthError('BAD_REQUEST', 'give at most one of at, undo, adopt');
  if (body.undo) return { mode: 'undo' };
  if (body.adopt) return { mode: 'adopt' };
  if (body.at === undefined) return { mode: 'latest' };
  const at = Date.parse(body.at);
  if (!Number.isFinite(at)) throw new BerthError('VALIDATION_FAILED', `at: "${body.at}" is not a date and time (ISO 8601, e.g. 2026-01-31T14:05:00Z)`, { field: 'at' });
  if (at > Date.now()) throw new BerthError('VALIDATION_FAILED', `at: ${body.at} is in the future`, { field: 'at' });
  return { mode: 'at', at };
}
