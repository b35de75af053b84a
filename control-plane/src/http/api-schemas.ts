// JSON schemas shared by the API routes; they validate requests, shape responses and feed
// /openapi.json.
import { ERRORS } from '../errors.js';
import type { Member } from '../auth/memberships.js';
import type { User } from '../auth/users.js';
import type { TenantView } from '../tenants/tenant-views.js';

export const errorEnvelopeSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERRORS) },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, object> {
  const out: Record<number, object> = {};
  for (const s of statuses) out[s] = { description: 'Error envelope', ...errorEnvelopeSchema };
  return out;
}

export const credentialsSchema = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: { email: { type: 'string', maxLength: 320 }, password: { type: 'string', maxLength: 1024 } },
} as const;

export const userSchema = {
  type: 'object',
  required: ['id', 'email', 'isAdmin'],
  properties: { id: { type: 'integer' }, email: { type: 'string' }, isAdmin: { type: 'boolean' } },
} as const;

export const sessionResponseSchema = {
  type: 'object',
  required: ['user', 'csrfToken'],
  properties: { user: userSchema, csrfToken: { type: 'string', description: 'Send as x-csrf-token on unsafe requests.' } },
} as const;

const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const tenantSchema = {
  type: 'object',
  required: ['slug', 'url', 'role', 'desiredState', 'state', 'detail', 'createdAt', 'readyAt', 'memoryBytes'],
  properties: {
    slug: { type: 'string' },
    url: { type: 'string' },
    role: { type: 'string', enum: ['owner', 'member', 'viewer'] },
    desiredState: { type: 'string', enum: ['running', 'deleted'] },
    state: { type: 'string', description: 'creating, running, unhealthy, deleting, or another state the reconciler reports' },
    detail: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    readyAt: nullableTime,
    memoryBytes: { type: ['integer', 'null'] },
  },
} as const;

export const memberSchema = {
  type: 'object',
  required: ['userId', 'email', 'role', 'addedAt'],
  properties: {
    userId: { type: 'integer' },
    email: { type: 'string' },
    role: { type: 'string', enum: ['owner', 'member', 'viewer'] },
    addedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const slugParamsSchema = {
  type: 'object',
  required: ['slug'],
  properties: { slug: { type: 'string', maxLength: 63 } },
} as const;

export function toApiUser(u: User): { id: number; email: string; isAdmin: boolean } {
  return { id: u.id, email: u.email, isAdmin: u.isAdmin };
}

export function toApiTenant(t: TenantView) {
  return {
    slug: t.slug,
    url: t.url,
    role: t.role,
    desiredState: t.desiredState,
    state: t.state,
    detail: t.detail,
    createdAt: new Date(t.createdAt).toISOString(),
    readyAt: t.readyAt === null ? null : new Date(t.readyAt).toISOString(),
    memoryBytes: t.memoryBytes,
  };
}

export function toApiMember(m: Member) {
  return { userId: m.userId, email: m.email, role: m.role, addedAt: new Date(m.addedAt).toISOString() };
}
