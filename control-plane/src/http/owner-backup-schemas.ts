// Answer schemas of the backup API for owners and of the purge (the OpenAPI document lists them;
// Fastify serializes by them, so every field sent is named here).
const int = { type: 'integer' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const str = { type: 'string' } as const;

export const timelineSchema = {
  type: 'object',
  required: ['slug', 'retentionHours', 'earliestRestorable', 'latestReplicated', 'lineages'],
  properties: {
    slug: str, retentionHours: int,
    earliestRestorable: { ...nullableInt, description: 'Unix ms: the earliest moment a restore can ask for' },
    latestReplicated: { ...nullableInt, description: 'Unix ms: the newest replicated moment' },
    lineages: {
      type: 'array',
      description: 'Unbroken backup histories, newest first (a restore starts a new one)',
      items: {
        type: 'object',
        required: ['lineageId', 'startedAt', 'reason', 'endedAt', 'earliest', 'latest', 'snapshots', 'points'],
        properties: {
          lineageId: int, startedAt: int, reason: str, endedAt: nullableInt, earliest: nullableInt, latest: nullableInt,
          snapshots: { type: 'array', items: int }, points: { type: 'array', items: int, description: 'Restorable moments (unix ms), newest first' },
        },
      },
    },
  },
} as const;

export const tableRestoreSchema = {
  type: 'object',
  required: ['table', 'restoredAs', 'keptAs', 'rows', 'at'],
  properties: { table: str, restoredAs: str, keptAs: { type: ['string', 'null'] }, rows: int, at: int },
} as const;

export const undoTableSchema = {
  type: 'object',
  required: ['table', 'restoredKeptAs'],
  properties: { table: str, restoredKeptAs: { ...str, description: 'Where the restored rows are kept now (empty: there were none)' } },
} as const;

export const wholeRestoreSchema = {
  type: 'object',
  required: ['slug', 'mode', 'fromLineage', 'newLineage', 'kept', 'downtimeMs', 'totalMs'],
  properties: {
    slug: str, mode: str, fromLineage: nullableInt, newLineage: int,
    kept: { type: ['string', 'null'] }, downtimeMs: int, totalMs: int,
  },
} as const;

export const databaseFileSchema = { description: 'The SQLite database file (application/vnd.sqlite3)', type: 'string', format: 'binary' } as const;

export const purgeSchema = {
  type: 'object',
  required: ['olderThanHours', 'purged'],
  properties: {
    olderThanHours: int,
    purged: {
      type: 'array',
      items: {
        type: 'object',
        required: ['lineageId', 'slug', 'endedAt', 'why', 'lastOfDeletedTenant'],
        properties: { lineageId: int, slug: str, endedAt: int, why: str, lastOfDeletedTenant: { type: 'boolean' } },
      },
    },
  },
} as const;
